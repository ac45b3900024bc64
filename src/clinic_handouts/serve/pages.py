"""The pages of the preview server: the HTML preview of a handout as it is saved now, and
the catalogue with the last build's problems, each with a script that reloads the page
when a rebuild ends.

A handout file that cannot be rendered now shows its problems above the last preview that
worked. A new handout whose ``reviewed_on`` still holds the placeholder is previewed as a
draft dated today, so the author can write before the review; it is still not built.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from clinic_handouts.build.plan import BuildOptions, plan
from clinic_handouts.errors import Problem
from clinic_handouts.project.config import ProjectConfig
from clinic_handouts.project.editions import STANDARD
from clinic_handouts.project.load import Project
from clinic_handouts.project.sources import (
    DATE_PLACEHOLDER,
    Handout,
    SourceFile,
    read_source,
    validate,
)

VERSION_PATH = "/_/version"
POLL_MS = 500


@dataclass(frozen=True)
class Preview:
    """What the preview server shows for one handout file (``render_preview``): its print
    HTML as the file is saved now, and its problems."""

    html: str | None  # the print HTML, or None when it cannot be made from the file now
    problems: tuple[Problem, ...]
    draft: bool = False  # reviewed_on still holds the placeholder: shown as if reviewed today


_PLACEHOLDER_LINE = re.compile(rf"^(reviewed_on:[ \t]*){re.escape(DATE_PLACEHOLDER)}\b", re.M)


def draft_handout(config: ProjectConfig, path: Path, today: dt.date) -> Handout | None:
    """The handout as it would be if the reviewer filled in ``reviewed_on`` today."""
    source = read_source(path, config.root)
    if not isinstance(source, SourceFile) or not _PLACEHOLDER_LINE.search(source.meta_text):
        return None
    meta = _PLACEHOLDER_LINE.sub(rf"\g<1>{today.isoformat()}", source.meta_text, count=1)
    result = validate(replace(source, meta_text=meta), config)
    return result if isinstance(result, Handout) else None


def render_preview(project: Project, rel: str, today: dt.date) -> Preview:
    """The print HTML of one handout file of the loaded ``project``, with its problems."""
    root = project.config.root
    problems = [p for p in project.problems if p.path == rel or not p.path.startswith("handouts")]
    handout = next((h for h in project.handouts if h.rel == rel), None)
    draft = False
    if handout is None:
        handout = draft_handout(project.config, root / rel, today)
        draft = handout is not None
    if handout is None:
        return Preview(None, tuple(sorted(problems)))
    alone = replace(project, handouts=(handout,), problems=(), stand_ins=())
    jobs, report = plan(alone, BuildOptions(today=today, only=(handout.id,)))
    problems.extend(report.problems)
    page = next((j.html for j in jobs if j.variant == STANDARD), None)
    return Preview(page, tuple(sorted(set(problems))), draft)


# --- what the pages get added -----------------------------------------------------------

_CHROME_CSS = """
.preview-bar { font: 15px/1.45 "DejaVu Sans", Arial, sans-serif; color: #111; background: #fff;
  border: 2px solid #1f4e79; border-radius: 6px; padding: 8px 12px; margin: 0 0 16px; }
.preview-bar a { color: #0a4a8a; margin-right: 1em; }
.preview-bar :focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.preview-problems { border-color: #9b1c1c; background: #fdecec; }
.preview-problems h2 { font-size: 17px; margin: 0 0 6px; color: #9b1c1c; }
.preview-problems ul { margin: 0; padding-left: 1.2em; }
.preview-problems li { font-family: "DejaVu Sans Mono", monospace; font-size: 13px;
  white-space: pre-wrap; }
.preview-draft { border-color: #7a4d00; background: #fff4d6; }
"""

_PAPER_CSS = """
@media screen {
  html { background: #d9dce1; }
  body { display: flex; flex-direction: column; max-width: 8.5in; margin: 24px auto;
    padding: 0.6in 0.8in; background: #fff; box-shadow: 0 1px 6px rgba(0,0,0,.3); }
  .preview-bar { order: -1; }
  body > main { order: 1; }
  body > .stamp-footer { order: 2; margin-top: 2em; }
  .page-number { display: none; }  /* page counters exist only in the PDF */
}
"""

_PREVIEW_LINKS_JS = """
document.querySelectorAll(".edition[data-lang][data-slug]").forEach(function (row) {
  var list = row.querySelector(".files");
  if (!list) { return; }
  var item = document.createElement("li");
  var link = document.createElement("a");
  link.href = "/preview/" + row.getAttribute("data-lang") + "/" +
    row.getAttribute("data-slug") + ".html";
  link.textContent = "Preview (HTML)";
  item.appendChild(link);
  list.appendChild(item);
});
"""


_RELOAD_JS = """
(function () {
  var seen = VERSION;
  function poll() {
    fetch(URL, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (d.version !== seen) { location.reload(); } else { setTimeout(poll, POLL); }
      }, function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, POLL);
})();
"""


def reload_script(version: int) -> str:
    """Polls the version; reloads the page when a rebuild has finished since it was made."""
    script = (
        _RELOAD_JS.replace("VERSION", str(version))
        .replace("URL", json.dumps(VERSION_PATH))
        .replace("POLL", str(POLL_MS))
    )
    return f"<script>{script}</script>"


def problems_box(problems: Sequence[Problem], heading: str) -> str:
    if not problems:
        return ""
    items = "".join(f"<li>{html.escape(p.format())}</li>" for p in problems)
    return (
        '<section class="preview-bar preview-problems" role="alert" aria-labelledby="pp-h">'
        f'<h2 id="pp-h">{html.escape(heading)}</h2><ul>{items}</ul></section>'
    )


def _insert_after(document: str, pattern: str, text: str) -> str:
    match = re.search(pattern, document, re.I)
    if not match:
        return text + document
    return document[: match.end()] + text + document[match.end() :]


def _insert_before(document: str, closing: str, text: str) -> str:
    index = document.lower().rfind(closing)
    if index < 0:
        return document + text
    return document[:index] + text + document[index:]


def decorate(document: str, *, head: str = "", top: str = "", bottom: str = "") -> str:
    document = _insert_before(document, "</head>", head)
    document = _insert_after(document, r"<body[^>]*>", top)
    return _insert_before(document, "</body>", bottom)


def served_urls(document: str, roots: Iterable[tuple[Path, str]]) -> str:
    """file:// addresses of the theme and project files -> addresses this server serves."""
    for folder, prefix in sorted(roots, key=lambda item: -len(str(item[0]))):
        document = document.replace(folder.resolve().as_uri() + "/", prefix)
    return document


def catalogue_document(build_dir: Path, problems: Sequence[Problem], version: int) -> str:
    """build/index.html with the last build's problems on top and the reload script."""
    try:
        document = (build_dir / "index.html").read_text(encoding="utf-8")
    except OSError:
        document = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            "<title>Handout library</title></head><body><main><h1>Handout library</h1>"
            "<p>Nothing is built yet: fix the problems above and save.</p></main>"
            "</body></html>"
        )
    return decorate(
        document,
        head=f"<style>{_CHROME_CSS}</style>",
        top=problems_box(problems, "Problems in the last build"),
        bottom=f"<script>{_PREVIEW_LINKS_JS}</script>" + reload_script(version),
    )


def preview_document(
    preview: Preview,
    *,
    rel: str,
    lang: str,
    last_good: str | None,
    pdf_url: str | None,
    roots: Iterable[tuple[Path, str]],
    version: int,
) -> str:
    """The preview page: links, draft note and problems above the print HTML (or above
    the last good one when the file cannot be rendered now)."""
    document = preview.html or last_good
    top = (
        '<nav class="preview-bar" aria-label="Preview"><strong>Preview of '
        f"{html.escape(rel)}</strong> · "
        '<a href="/">Back to the catalogue</a>'
        + (f'<a href="{pdf_url}">Open the PDF</a>' if pdf_url else "")
        + "</nav>"
    )
    if preview.draft:
        top += (
            '<p class="preview-bar preview-draft"><strong>Draft.</strong> Not reviewed yet: '
            "this preview is dated today. The handout is built into a PDF once the "
            "clinical reviewer fills in reviewed_on.</p>"
        )
    errors = [p for p in preview.problems if p.is_error]
    heading = "Fix these problems and save" if errors else "Warnings"
    if errors and preview.html is None:
        heading += (
            " (below: the last preview that worked)"
            if document
            else " (no preview until they are fixed)"
        )
    top += problems_box(preview.problems, heading)
    if document is None:
        document = (
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(rel)}</title></head><body><main>"
            f"<h1>{html.escape(rel)}</h1></main></body></html>"
        )
    document = served_urls(document, roots)
    # Relative image addresses in the handout resolve as they do for the PDF.
    base = f'<base href="/_project/handouts/{lang}/">'
    document = _insert_after(document, r"<head[^>]*>", base)
    return decorate(
        document,
        head=f"<style>{_CHROME_CSS}{_PAPER_CSS}</style>",
        top=top,
        bottom=reload_script(version),
    )
