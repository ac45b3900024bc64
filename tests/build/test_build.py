"""The pipeline end to end: Markdown in, stamped PDF out, checked as a reader gets it."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import (
    CLI,
    CONFIG,
    DISCLAIMER_EN,
    ProjectFactory,
    built,
    folded,
    handout,
    pdf_pages,
    stamped,
)
from tests.helpers.repo_project import REPO

LONG_BODY = "\n\n".join(
    f"## Part {n}\n\n" + "You can do this step today. " * 40 for n in range(1, 7)
)


def test_sample_handouts_build_with_stamp_on_every_page(repo_copy: Path, cli: CLI) -> None:
    result = cli("build", "--project", repo_copy)
    assert result.exit_code == 0, result.output
    sources = sorted((repo_copy / "handouts").glob("*/*.md"))
    assert len(sources) >= 4
    config = tomllib.loads((repo_copy / "handouts.toml").read_text())
    for source in sources:
        lang = source.parent.name
        pdf = repo_copy / "build" / lang / f"{source.stem}.pdf"
        pages = pdf_pages(pdf)
        disclaimer = folded(config["disclaimer"][lang])
        for number, text in enumerate(pages, start=1):
            assert disclaimer in text, f"{pdf.name} page {number} lacks the disclaimer"
            assert "988" in text, f"{pdf.name} page {number} lacks the crisis line"
        assert "1-800-273" not in " ".join(pages)


def test_multi_page_handout_has_disclaimer_crisis_line_and_box(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project({"handouts/en/long.md": handout("Long one", LONG_BODY)})
    assert cli("build", "--project", root).exit_code == 0
    pages = pdf_pages(root / "build/en/long.pdf")
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert stamped(text), number
        assert f"Page {number} of {len(pages)}" in text
    everything = " ".join(pages)
    assert "Get help now" in everything
    for contact in (
        "988 Suicide & Crisis Lifeline",
        "Text HOME to 741741",
        "call 911",
        "press 1",
        "press 2",
        "text AYUDA to 988",
    ):
        assert contact in everything, contact
    assert "press 3" not in everything


def test_metadata_title_lang_author_subject(make_project: ProjectFactory, cli: CLI) -> None:
    title = 'Sleep & "you" </title><script>x</script>'
    root = make_project(
        {"handouts/en/sleep.md": handout(title=f"'{title}'", summary="How to sleep better.")}
    )
    assert cli("build", "--project", root).exit_code == 0
    reader = PdfReader(root / "build/en/sleep.pdf")
    assert reader.metadata is not None
    assert reader.metadata.title == title
    assert reader.metadata.author == "Test Clinic"
    assert reader.metadata.subject == "How to sleep better."
    assert str(reader.root_object["/Lang"]) == "en"
    # Printed literally (a line break may fall inside it, so compare without spaces).
    assert title.replace(" ", "") in pdf_pages(root / "build/en/sleep.pdf")[0].replace(" ", "")


def test_body_is_markdown_never_a_template(make_project: ProjectFactory, cli: CLI) -> None:
    body = "Write {{ 7*7 }} and {% if x %}y{% endif %} as they are.\n"
    root = make_project({"handouts/en/t.md": handout(body=body)})
    assert cli("build", "--project", root).exit_code == 0
    text = pdf_pages(root / "build/en/t.pdf")[0]
    assert "{{ 7*7 }}" in text and "{% if x %}y{% endif %}" in text
    assert "49" not in text


def test_markdown_extensions_render(make_project: ProjectFactory, cli: CLI) -> None:
    body = """\
    !!! warning "When to call us"
        Call us if you feel worse.

    | Day | What to do |
    |-----|------------|
    | 1   | Rest       |

    It's "quoted".
    """
    root = make_project({"handouts/en/x.md": handout(body=body)})
    assert cli("build", "--project", root, "--html").exit_code == 0
    html = (root / "build/en/x.html").read_text()
    assert 'class="admonition warning"' in html and "<table>" in html
    assert "&rdquo;" in html or "\u201d" in html  # smart quotes
    assert "When to call us" in pdf_pages(root / "build/en/x.pdf")[0]


def test_front_matter_errors_name_file_and_line(make_project: ProjectFactory, cli: CLI) -> None:
    bad = "---\ntitle: Panic\nreviewd_on: 2024-01-01\n---\nText.\n"
    worse = "---\ntitle: Sleep\nreviewed_on: 2024/13/01\n---\nText.\n"
    impossible = "---\ntitle: Food\nreviewed_on: 2025-02-30\n---\nText.\n"
    root = make_project(
        {
            "handouts/en/panic.md": bad,
            "handouts/en/sleep.md": worse,
            "handouts/en/food.md": impossible,
        }
    )
    out = built(cli, root, code=1)
    assert (
        "handouts/en/panic.md:3: error: front-matter: reviewd_on: unknown key "
        "(did you mean reviewed_on?)"
    ) in out
    assert "handouts/en/panic.md:1: error: front-matter: reviewed_on: required" in out
    assert (
        "handouts/en/sleep.md:3: error: front-matter: reviewed_on: expected YYYY-MM-DD, "
        "got '2024/13/01'"
    ) in out
    assert "handouts/en/food.md:3: error: front-matter: reviewed_on:" in out
    assert "Traceback" not in out


def test_invalid_yaml_reports_its_line(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project(
        {"handouts/en/a.md": "---\ntitle: A\nreviewed_on: 2026-01-01\ntags: [a, b\n---\nBody\n"}
    )
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert "handouts/en/a.md:4: error: front-matter: invalid YAML" in result.output
    assert "required" not in result.output


def test_bad_handout_keeps_previous_pdf_and_others_build(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project({"handouts/en/a.md": handout("A"), "handouts/en/b.md": handout("B")})
    assert cli("build", "--project", root).exit_code == 0
    before = (root / "build/en/a.pdf").read_bytes()
    (root / "handouts/en/a.md").write_text("---\ntitle: A\n---\nNo review date.\n")
    (root / "handouts/en/b.md").write_text(handout("B changed"))
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert (root / "build/en/a.pdf").read_bytes() == before
    assert "B changed" in pdf_pages(root / "build/en/b.pdf")[0]
    assert "1 not built" in result.output
    assert not [p for p in (root / "build/en").iterdir() if p.name.endswith(".tmp")]


def test_outdated_crisis_number_is_refused(make_project: ProjectFactory, cli: CLI) -> None:
    body = "Get help.\n\nCall the National Suicide Prevention Lifeline at\n1-800-273-8255.\n"
    root = make_project({"handouts/en/old.md": handout(body=body)})
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert (
        "handouts/en/old.md:8: error: outdated-crisis-contact: 'National Suicide "
        "Prevention Lifeline' is the old name"
    ) in result.output
    assert "handouts/en/old.md:9: error: outdated-crisis-contact: '1-800-273-8255'" in (
        result.output
    )
    assert "988" in result.output
    assert not (root / "build/en/old.pdf").exists()


def test_stale_crisis_data_refuses_the_build(
    make_project: ProjectFactory, cli: CLI, monkeypatch: object
) -> None:
    root = make_project({"handouts/en/a.md": handout()})
    os.environ["SOURCE_DATE_EPOCH"] = str(2_000_000_000)  # 2033: data long unconfirmed
    result = cli("build", "--project", root)
    os.environ.pop("SOURCE_DATE_EPOCH")
    assert result.exit_code == 1
    assert "crisis-data-stale" in result.output and "verified_on" in result.output
    assert not (root / "build").exists()


def test_clinic_confirmation_keeps_crisis_data_fresh(
    make_project: ProjectFactory, cli: CLI
) -> None:
    config = CONFIG.replace(
        'region = "US"',
        'region = "US"\nmax_age_days = 30\n'
        'verified_on = 2026-11-01\nverified_by = "Reviewer (placeholder)"',
    )
    root = make_project({"handouts/en/a.md": handout()}, config=config)
    assert cli("build", "--project", root).exit_code == 0
    stale = config.replace("verified_on = 2026-11-01", "verified_on = 2026-09-01")
    root = make_project({"handouts/en/a.md": handout()}, config=stale)
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert "confirmed by Reviewer (placeholder) on 2026-09-01" in result.output


def test_template_without_stamp_is_refused(make_project: ProjectFactory, cli: CLI) -> None:
    no_stamp = (
        "<!DOCTYPE html><html lang='{{ handout.lang }}'><head><title>"
        "{{ handout.title }}</title></head><body>{{ body }}</body></html>"
    )
    root = make_project({"handouts/en/a.md": handout(), "templates/handout.html": no_stamp})
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert "handouts/en/a.md: error: stamp-missing: a.pdf not written: page 1 of 1" in result.output
    assert not (root / "build/en/a.pdf").exists()


def test_config_errors_exit_2_all_at_once(make_project: ProjectFactory, cli: CLI) -> None:
    config = (
        '[clinic]\nname = "X"\n\n[print]\npaper = "legal"\n\n[brand]\ncolour = "#000"\n'
        '\n[disclaimer]\nen = "D"\n'
    )
    root = make_project({}, config=config)
    result = cli("build", "--project", root)
    assert result.exit_code == 2
    out = result.output
    assert "handouts.toml:1: error: config: clinic.phone: required" in out
    assert "handouts.toml:5: error: config: print.paper: expected 'letter' or 'a4'" in out
    assert "handouts.toml:8: error: config: brand.colour: unknown key (did you mean color?)" in out


def test_missing_config_and_unknown_only_are_usage_errors(
    tmp_path: Path, cli: CLI, make_project: ProjectFactory
) -> None:
    result = cli("build", "--project", tmp_path)
    assert result.exit_code == 2 and "no handouts.toml" in result.output
    root = make_project({"handouts/en/sleep.md": handout()})
    result = cli("build", "--project", root, "--only", "slep")
    assert result.exit_code == 2 and "did you mean sleep?" in result.output


def test_only_builds_the_named_handout(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/a.md": handout(), "handouts/en/b.md": handout()})
    assert cli("build", "--project", root, "--only", "b").exit_code == 0
    assert (root / "build/en/b.pdf").exists() and not (root / "build/en/a.pdf").exists()


def test_repo_is_a_working_project() -> None:
    for name in (
        "handouts.toml",
        "handouts",
        "templates",
        "styles",
        "pyproject.toml",
        "README.md",
        "Makefile",
        ".ci/run",
    ):
        assert (REPO / name).exists(), name


def test_template_mistake_is_a_config_error_with_its_line(
    make_project: ProjectFactory, cli: CLI
) -> None:
    broken = '{% extends "base.html" %}\n{% block content %}\n{{ body }\n{% endblock %}\n'
    root = make_project({"handouts/en/a.md": handout(), "templates/handout.html": broken})
    result = cli("build", "--project", root)
    assert result.exit_code == 2
    assert "templates/handout.html:3: error: theme: template error:" in result.output
    assert "Traceback" not in result.output
    assert not (root / "build/en/a.pdf").exists()


def test_a_stamp_too_tall_for_its_margin_is_refused(make_project: ProjectFactory, cli: CLI) -> None:
    long_disclaimer = " ".join([DISCLAIMER_EN] * 12)
    root = make_project(
        {"handouts/en/a.md": handout(large_print="false")},
        config=CONFIG.replace(DISCLAIMER_EN, long_disclaimer),
    )
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert (
        "handouts/en/a.md: error: stamp-cut-off: a.pdf not written: on page 1 of 1, the "
        "stamp runs " in result.output
    )
    assert "pt past the bottom edge of the paper" in result.output
    assert "Make the disclaimer in handouts.toml shorter" in result.output
    assert not (root / "build/en/a.pdf").exists()


def link_addresses(pdf: Path) -> list[str]:
    """Every address a reader can click in the PDF (link annotations)."""
    found = []
    for page in PdfReader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                found.append(str(action["/URI"]))
    return found


def test_a_link_to_a_project_file_prints_its_words_without_the_address(
    make_project: ProjectFactory, cli: CLI
) -> None:
    body = (
        "Fill in [the intake form](forms/intake.pdf) before you come.\n\n"
        "Read more on [our website](https://clinic.example.org/sleep) or go to "
        "[the tips](#tips).\n\n## Tips {: #tips }\n\nRest.\n"
    )
    root = make_project(
        {
            "handouts/en/a.md": handout(body=body, large_print="false"),
            "handouts/en/forms/intake.pdf": b"%PDF-1.4 a form",
        }
    )
    result = cli("build", "--project", root)
    assert result.exit_code == 0, result.output
    assert (
        "handouts/en/a.md:7: warning: local-link: forms/intake.pdf: a link to a file on this "
        "computer cannot work on paper or in an emailed PDF" in result.output
    )
    pdf = root / "build/en/a.pdf"
    assert "Fill in the intake form before you come." in pdf_pages(pdf)[0]
    addresses = link_addresses(pdf)
    assert addresses == ["https://clinic.example.org/sleep"]  # no file:// into this computer
    assert str(root) not in pdf.read_bytes().decode("latin-1")
