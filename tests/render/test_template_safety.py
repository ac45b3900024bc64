"""Front-matter values and the body are data, never template code: what a handout says
comes out literally in the PDF text and its metadata."""

from __future__ import annotations

import json

from pypdf import PdfReader

from tests.conftest import CLI, ProjectFactory, pdf_pages

ATTACK = "</title><script>alert(1)</script> {{ 7*7 }} {% include '/etc/passwd' %}"


def test_front_matter_and_body_never_reach_jinja_as_code(
    make_project: ProjectFactory, cli: CLI
) -> None:
    meta = {
        "title": f"Sleep {ATTACK}",
        "summary": f"Rest {ATTACK}",
        "reviewed_by": "Reviewer {{ config }} (placeholder)",
        "tags": ["sleep", "{{ 6*7 }}"],
    }
    front = "\n".join(f"{key}: {json.dumps(value)}" for key, value in meta.items())
    body = "Write {{ 7*7 }} and {% include '/etc/passwd' %} as they are.\n"
    text = f"---\n{front}\nreviewed_on: 2026-10-01\n---\n\n{body}"
    root = make_project({"handouts/en/sleep.md": text})
    result = cli("build", "--project", root)
    assert result.exit_code == 0, result.output

    pdf = root / "build/en/sleep.pdf"
    squeezed = "".join(pdf_pages(pdf)).replace(" ", "")  # line breaks may fall anywhere
    for literal in (ATTACK, "{{ 7*7 }}", "{{ config }}", "{% include '/etc/passwd' %}"):
        assert literal.replace(" ", "") in squeezed, literal
    assert "49" not in squeezed and "42" not in squeezed
    assert "root:" not in squeezed  # /etc/passwd was never read into the page

    info = PdfReader(pdf).metadata
    assert info is not None
    assert info.title == meta["title"]
    assert info.subject == meta["summary"]
    assert "{{ 6*7 }}" in str(info.get("/Keywords"))
