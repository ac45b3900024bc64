"""``handouts import``: Word files in, ``handouts/<lang>/<slug>.md`` out, then every check.

Every file is read and converted before anything is written. If any file cannot be
imported (not a Word file, damaged, password-protected) or would replace an existing
handout or picture, nothing at all is written, and each refusal is a usage problem naming
the file (exit code 2): running the command again after fixing the list does the same
thing, with no half-done import in between. Existing files are never replaced.

What is written, for each Word file:

- ``handouts/<lang>/<slug>.md``: the slug is made from the title (plain a-z, digits and
  hyphens; accents dropped, so "Cómo dormir" gives ``como-dormir``); a title with no
  Latin letters (Chinese, Arabic...) falls back to the file's name, then to
  ``imported-handout``. Two files with the same slug get ``-2``, ``-3``.
- front matter: the title, and ``reviewed_on`` left as the placeholder ``handouts new``
  writes, so the build refuses the handout until the clinical reviewer fills it in.
- pictures in ``handouts/<lang>/images/<slug>-<n>.<ext>``, next to the handout (image
  paths are relative to the handout's file), with the picture's description from Word
  (Format Picture > Alt Text) as the alt text. A picture without one gets none, and the
  ``missing-alt-text`` check says so. BMP and TIFF are saved as PNG; a Windows drawing
  (EMF, WMF) cannot be printed and is left out, with a note.

Then every check the build runs runs on the imported handouts (checks/run.py), as if the
reviewer had signed them today (only so the body is checked: the real ``reviewed_on``
problem is reported as well), so an old crisis number or a missing picture description
is found before anyone prints the sheet.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from clinic_handouts.errors import Problem, UsageError, error
from clinic_handouts.importing.docx import Refused, WordFile, WordImage, read_docx
from clinic_handouts.importing.markdown import find_title, to_markdown
from clinic_handouts.project.load import Project, reread_sources
from clinic_handouts.project.sources import DATE_PLACEHOLDER, LANG_RE, SLUG_RE

MAX_SLUG_LENGTH = 60
FALLBACK_SLUG = "imported-handout"
KEPT_IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}
CONVERTED_IMAGE_TYPES = {"image/bmp", "image/tiff", "image/x-ms-bmp"}  # saved as PNG


@dataclass(frozen=True)
class ImportOptions:
    """What ``handouts import`` is asked: the language folder to write into (``--lang``) and
    the date its checks judge by."""

    lang: str | None  # None: the project's default language
    today: dt.date


@dataclass(frozen=True)
class Imported:
    """One Word file imported: the handout file and pictures written from it, and the notes
    ``handouts import`` prints under it."""

    source: Path  # the Word file, as it was named on the command line
    rel: str  # handouts/<lang>/<slug>.md
    images: tuple[str, ...]  # project-relative paths of the pictures written
    notes: tuple[str, ...]  # what the writer should look at


@dataclass(frozen=True)
class ImportReport:
    """What ``import_files`` did: each Word file imported, and the problems found in the new
    handouts. ``said`` turns it into what the command prints."""

    imported: tuple[Imported, ...]
    problems: tuple[Problem, ...]  # every check's problems on the imported handouts


@dataclass
class _Planned:
    source: Path
    word: WordFile
    title: str
    slug: str
    body: str = ""
    notes: list[str] | None = None
    images: dict[str, bytes] | None = None  # project-relative path -> bytes


def slugify(text: str) -> str:
    """Plain a-z, digits and hyphens; "" when ``text`` has no Latin letters or digits."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[:MAX_SLUG_LENGTH].rsplit("-", 1)[0]
    return slug if SLUG_RE.match(slug) else ""


def _title_of(word: WordFile, converted_title: str | None, source: Path) -> str:
    return converted_title or word.core_title or " ".join(source.stem.split()) or "Handout"


def _template() -> Template:
    text = resources.files("clinic_handouts") / "data" / "scaffold" / "imported-handout.md"
    return Template(text.read_text(encoding="utf-8"))


def _image_file(image: WordImage) -> tuple[str, bytes] | str:
    """(file extension, bytes to write) for a picture, or why it cannot be imported."""
    kind = image.content_type.lower()
    if kind in KEPT_IMAGE_TYPES:
        return KEPT_IMAGE_TYPES[kind], image.data
    from PIL import Image, UnidentifiedImageError

    if kind in CONVERTED_IMAGE_TYPES:
        try:
            with Image.open(io.BytesIO(image.data)) as picture:
                out = io.BytesIO()
                picture.save(out, "PNG")
                return "png", out.getvalue()
        except (UnidentifiedImageError, OSError, ValueError):
            return "it is damaged"
    if kind in ("image/x-emf", "image/x-wmf", "image/emf", "image/wmf"):
        return (
            "it is a Windows drawing (EMF/WMF), which cannot be printed: in Word, "
            "right-click it, choose Save as Picture > PNG, and add that file"
        )
    return f"its format ({kind or 'unknown'}) cannot be printed: save it as PNG or JPEG"


def _convert(plan: _Planned, lang: str) -> None:
    """The Markdown body, pictures and notes of one planned import."""
    notes: list[str] = list(plan.word.notes)
    images: dict[str, bytes] = {}
    by_number = {image.number: image for image in plan.word.images}

    def image_source(src: str) -> tuple[str | None, str]:
        number = int(src.removeprefix("word-image:")) if src.startswith("word-image:") else 0
        image = by_number.get(number)
        if image is None:
            return None, "a picture here could not be read from the Word file"
        made = _image_file(image)
        if isinstance(made, str):
            notes.append(f"picture {number} was left out: {made}")
            return None, f"picture {number} from the Word file was left out: {made}"
        ext, data = made
        name = f"{plan.slug}-{number}.{ext}"
        images[f"handouts/{lang}/images/{name}"] = data
        return f"images/{name}", ""

    converted = to_markdown(plan.word.html, image_source)
    plan.body = converted.body
    plan.notes = notes + list(converted.notes)
    plan.images = images


def _plan(files: Sequence[Path], lang: str, root: Path) -> tuple[list[_Planned], list[Problem]]:
    planned: list[_Planned] = []
    refused: list[Problem] = []
    taken: set[str] = set()
    for source in files:
        shown = str(source)
        try:
            word = read_docx(source)
        except Refused as exc:
            refused.append(error(shown, 0, "import", str(exc)))
            continue
        title = _title_of(word, find_title(word.html), source)
        base = slugify(title) or slugify(source.stem) or FALLBACK_SLUG
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        plan = _Planned(source, word, title, slug)
        _convert(plan, lang)
        planned.append(plan)
        for rel in [f"handouts/{lang}/{slug}.md", *(plan.images or {})]:
            if (root / rel).exists() or (root / rel).is_symlink():
                refused.append(
                    error(
                        shown,
                        0,
                        "import",
                        f"{rel} already exists and is never replaced: rename or move it, "
                        "or import this file into another language folder with --lang",
                    )
                )
    return planned, refused


def import_files(project: Project, files: Sequence[Path], options: ImportOptions) -> ImportReport:
    """Import every Word file in ``files`` into the loaded ``project``, then check them."""
    config = project.config
    lang = options.lang or config.default_lang
    if not LANG_RE.match(lang):
        raise UsageError(
            [
                error(
                    "",
                    0,
                    "usage",
                    f"--lang: expected a language code like 'en' or 'es', got '{lang}'",
                )
            ]
        )
    if not files:
        raise UsageError([error("", 0, "usage", "name at least one Word file (.docx) to import")])
    planned, refused = _plan(files, lang, config.root)
    if refused:
        raise UsageError(refused)

    imported: list[Imported] = []
    for plan in planned:
        rel = f"handouts/{lang}/{plan.slug}.md"
        text = _template().substitute(
            # JSON strings are YAML strings: any title (with ':' or quotes) stays one value.
            title=json.dumps(plan.title, ensure_ascii=False),
            source=" ".join(plan.source.name.split()),
            placeholder=DATE_PLACEHOLDER,
            body=plan.body.rstrip("\n"),
        )
        written_images = []
        for image_rel, data in (plan.images or {}).items():
            image_path = config.root / image_rel
            image_path.parent.mkdir(parents=True, exist_ok=True)
            with image_path.open("xb") as handle:  # "x": never replace a file
                handle.write(data)
            written_images.append(image_rel)
        path = config.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
        imported.append(Imported(plan.source, rel, tuple(written_images), tuple(plan.notes or ())))
    # The handout files just written are read in; the rest of the project is as loaded.
    written = reread_sources(project, options.today)
    return ImportReport(tuple(imported), tuple(check_imported(written, imported, options.today)))


def said(report: ImportReport) -> list[str]:
    """What ``handouts import`` prints: each file written, its notes, the problems found in
    the new handouts, then what to do next."""
    lines: list[str] = []
    for item in report.imported:
        pictures = len(item.images)
        extra = f" and {pictures} picture{'s' if pictures != 1 else ''}" if pictures else ""
        lines.append(f"Wrote {item.rel}{extra} from {item.source.name}.")
        lines.extend(f"  Note: {note}." for note in item.notes)
    lines.extend(problem.format() for problem in report.problems)
    errors = sum(p.is_error for p in report.problems)
    warnings = len(report.problems) - errors
    count = len(report.imported)
    lines.append(
        f"Imported {count} handout{'s' if count != 1 else ''}: {errors} error(s), "
        f"{warnings} warning(s). Fix the lines above, then ask the clinical reviewer "
        "to check each handout against its Word file and fill in reviewed_on."
    )
    return lines


def check_imported(project: Project, imported: Sequence[Imported], today: dt.date) -> list[Problem]:
    """Every check the build runs, on the imported handouts only (``project`` holds them)."""
    from clinic_handouts.checks import CheckContext
    from clinic_handouts.checks.run import iter_checked, problems_of
    from clinic_handouts.project import reserved
    from clinic_handouts.project.sources import Handout, read_source, validate

    wanted = {item.rel for item in imported}
    problems = {p for p in project.problems if p.path in wanted}
    loaded = {h.rel: h for h in project.handouts}
    chosen: list[Handout] = []
    for rel in sorted(wanted):
        if rel in loaded:
            chosen.append(loaded[rel])
            continue
        # Not yet a Handout (reviewed_on waits for the reviewer): check the body as if
        # the review were today, so its problems are found now, not after the review.
        source = read_source(project.config.root / rel, project.config.root)
        if isinstance(source, Problem):
            continue
        signed = re.sub(
            rf"^reviewed_on:[ \t]*{DATE_PLACEHOLDER}[ \t]*$",
            f"reviewed_on: {today.isoformat()}",
            source.meta_text,
            flags=re.M,
        )
        stand_in = validate(
            type(source)(source.path, source.rel, signed, source.body, source.body_line),
            project.config,
        )
        if isinstance(stand_in, Handout):
            chosen.append(stand_in)
        else:  # what the placeholder hid (no disclaimer for this language, say)
            problems.update(stand_in)
    context = CheckContext(
        config=project.config,
        crisis=project.crisis,
        today=today,
        reserved=reserved.for_theme(project.theme),
    )
    problems.update(problems_of(iter_checked(project, chosen, context)))
    return sorted(problems)
