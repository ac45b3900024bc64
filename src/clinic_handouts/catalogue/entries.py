"""What the catalogue lists after a build, and the build's one call into it.

``update_catalogue`` runs at the end of every build with every current output (built in
this run or up to date). It turns outputs into catalogue entries, adds the entries of
earlier builds that are still true (the sidecar ``build/catalogue.json`` remembers them:
a handout skipped by ``--only``, or one with errors whose previous PDF was kept, stays
listed as long as its source exists and its PDF's bytes are the ones recorded), makes
page-1 thumbnails under ``build/thumbnails/`` (only when a PDF's bytes changed), then
writes the page and the sidecar.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from clinic_handouts.build.atomic import read_json, write_atomic
from clinic_handouts.catalogue import unchanged
from clinic_handouts.catalogue.page import (
    PAGE,
    CatalogueEntry,
    CatalogueSettings,
    FileEntry,
    RackPack,
    write_catalogue,
)
from clinic_handouts.catalogue.search import body_sentences
from clinic_handouts.checks.cache import cache_key
from clinic_handouts.errors import HandoutError
from clinic_handouts.project import paths
from clinic_handouts.project.editions import VARIANTS
from clinic_handouts.project.selection import in_date_style
from clinic_handouts.project.theme import Theme
from clinic_handouts.project.words import Strings, load_strings

if TYPE_CHECKING:
    from clinic_handouts.build.worker import Output
    from clinic_handouts.project.config import ProjectConfig

SIDECAR = "catalogue.json"
SIDECAR_VERSION = 1


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _variant_rank(name: str) -> tuple[int, str]:
    order = [v.name for v in VARIANTS]
    return (order.index(name) if name in order else len(order), name)


def entries_from_outputs(
    outputs: Iterable[Output],
    build_dir: Path,
    grades: Mapping[str, float | None],
    previous: Sequence[CatalogueEntry] = (),
) -> list[CatalogueEntry]:
    """Group the build's outputs (built or up to date) into one entry per handout/language.

    ``grades``: the reading grade of each handout file, as its checks measured it. An
    output the build found up to date (its manifest entry and size match) keeps the
    hash ``previous`` recorded for it, rather than reading its bytes again."""
    known = {f.path: f for entry in previous for f in entry.files}
    before = {(entry.lang, entry.id, entry.source): entry for entry in previous}
    groups: dict[tuple[str, str], list[Output]] = {}
    for output in outputs:
        groups.setdefault((output.handout.lang, output.handout.id), []).append(output)
    entries: list[CatalogueEntry] = []
    for group in groups.values():
        handout = group[0].handout
        files = []
        for output in group:
            path = output.pdf.relative_to(build_dir).as_posix()
            old = known.get(path)
            if output.sha256:
                # The worker hashed the bytes it wrote; for an output found up to date, the
                # manifest's hash, which the build checked the file against.
                digest = output.sha256
            elif not output.built and old is not None and old.size == output.size:
                digest = old.sha256
            else:
                digest = sha256_of(output.pdf)
            files.append(
                FileEntry(
                    variant=output.variant.name,
                    path=path,
                    pages=output.pages,
                    size=output.size,
                    sha256=digest,
                )
            )
        files.sort(key=lambda f: _variant_rank(f.variant))
        old_entry = before.get((handout.lang, handout.id, handout.rel))
        if old_entry is not None and not any(o.built for o in group) and old_entry.sentences:
            # Up to date: the handout's text is the one its PDFs were made from (it is part
            # of their fingerprint), so its sentences are the ones recorded then.
            sentences = old_entry.sentences
        else:
            sentences = body_sentences(handout.body, handout.body_line, handout.lang)
        entries.append(
            CatalogueEntry(
                id=handout.id,
                lang=handout.lang,
                slug=handout.slug,
                source=handout.rel,
                title=handout.title,
                summary=handout.summary,
                tags=handout.tags,
                reviewed_on=handout.reviewed_on,
                next_review=handout.next_review,
                large_print=handout.large_print,
                reading_grade=grades[handout.rel],
                files=tuple(files),
                sentences=sentences,
            )
        )
    return entries


def _file_matches(build_dir: Path, item: FileEntry) -> bool:
    path = build_dir / item.path
    try:
        return path.stat().st_size == item.size and sha256_of(path) == item.sha256
    except OSError:
        return False


def merge(
    current: Sequence[CatalogueEntry],
    previous: Sequence[CatalogueEntry],
    root: Path,
    build_dir: Path,
) -> list[CatalogueEntry]:
    """This run's entries, plus earlier ones whose source still exists and whose PDFs are
    byte for byte the ones described (so a handout that failed this run stays listed with
    its previous, still valid, PDF)."""
    keys = {entry.key for entry in current}
    sources = {entry.source for entry in current}
    merged = list(current)
    for entry in previous:
        if entry.key in keys or entry.source in sources:
            continue
        if not (root / entry.source).is_file():
            continue  # the handout was deleted: so is its card
        files = tuple(f for f in entry.files if _file_matches(build_dir, f))
        if files:
            merged.append(replace(entry, files=files))
    return merged


def with_thumbnails(
    entries: Sequence[CatalogueEntry],
    previous: Sequence[CatalogueEntry],
    build_dir: Path,
    made: Mapping[str, str] | None = None,
) -> list[CatalogueEntry]:
    """Give each entry a page-1 thumbnail of its first PDF, reusing the picture a render
    worker made this run (``made``: picture -> hash of the PDF it shows) or the previous
    one when that PDF's bytes have not changed; remove pictures no entry uses any more."""
    made = made or {}
    before = {entry.key: entry for entry in previous}
    result: list[CatalogueEntry] = []
    for entry in entries:
        first = entry.files[0]
        target = paths.thumbnail_key(entry.lang, entry.slug)
        old = before.get(entry.key)
        shown = made.get(target) or (old.thumbnail_of if old and old.thumbnail == target else "")
        if (shown == first.sha256 and (build_dir / target).is_file()) or _make_thumbnail(
            build_dir / first.path, build_dir / target
        ):
            result.append(replace(entry, thumbnail=target, thumbnail_of=first.sha256))
        else:
            result.append(replace(entry, thumbnail="", thumbnail_of=""))
    used = {build_dir / entry.thumbnail for entry in result if entry.thumbnail}
    folder = build_dir / paths.THUMBNAILS
    if folder.is_dir():
        for png in folder.rglob("*.png"):
            if png not in used:
                with contextlib.suppress(OSError):
                    png.unlink()
    return result


def _make_thumbnail(pdf: Path, target: Path) -> bool:
    # PDFium and Pillow (about 0.1 s to load) only when a picture must be made: not on a
    # build with nothing new, nor when the workers made the pictures.
    from clinic_handouts.render.thumbnails import write_thumbnail

    return write_thumbnail(pdf, target)


# --- the sidecar ------------------------------------------------------------------------


def entry_to_json(entry: CatalogueEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "lang": entry.lang,
        "slug": entry.slug,
        "source": entry.source,
        "title": entry.title,
        "summary": entry.summary,
        "tags": list(entry.tags),
        "reviewed_on": entry.reviewed_on.isoformat(),
        "next_review": entry.next_review.isoformat(),
        "large_print": entry.large_print,
        "reading_grade": entry.reading_grade,
        "files": [
            {
                "variant": f.variant,
                "path": f.path,
                "pages": f.pages,
                "size": f.size,
                "sha256": f.sha256,
            }
            for f in entry.files
        ],
        "thumbnail": entry.thumbnail,
        "thumbnail_of": entry.thumbnail_of,
        "sentences": list(entry.sentences),
    }


def entry_from_json(data: Mapping[str, Any]) -> CatalogueEntry:
    grade = data["reading_grade"]
    return CatalogueEntry(
        id=str(data["id"]),
        lang=str(data["lang"]),
        slug=str(data["slug"]),
        source=str(data["source"]),
        title=str(data["title"]),
        summary=str(data["summary"]),
        tags=tuple(str(t) for t in data["tags"]),
        reviewed_on=dt.date.fromisoformat(data["reviewed_on"]),
        next_review=dt.date.fromisoformat(data["next_review"]),
        large_print=bool(data["large_print"]),
        reading_grade=None if grade is None else float(grade),
        files=tuple(
            FileEntry(
                variant=str(f["variant"]),
                path=str(f["path"]),
                pages=int(f["pages"]),
                size=int(f["size"]),
                sha256=str(f["sha256"]),
            )
            for f in data["files"]
        ),
        thumbnail=str(data.get("thumbnail", "")),
        thumbnail_of=str(data.get("thumbnail_of", "")),
        sentences=tuple(str(s) for s in data.get("sentences", ())),
    )


def read_sidecar(build_dir: Path) -> list[CatalogueEntry]:
    """The entries recorded by the last build; none when the file is missing or unreadable
    (it is the tool's own file: the next full build writes it again)."""
    data = read_json(build_dir / SIDECAR)  # None when unreadable or nested too deep
    try:
        if data.get("version") != SIDECAR_VERSION:
            return []
        entries = [entry_from_json(item) for item in data["entries"]]
    # RecursionError: str() of a deeply nested value written by hand
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return []
    # Paths come from a file on disk: never let one point outside build/.
    return [e for e in entries if _inside(e)]


def _inside(entry: CatalogueEntry) -> bool:
    """Only relative paths that stay below build/ (the tool writes no links there)."""
    paths = [f.path for f in entry.files] + ([entry.thumbnail] if entry.thumbnail else [])
    return bool(entry.files) and all(_plain_relative(p) for p in paths)


def _plain_relative(path: str) -> bool:
    pure = PurePosixPath(path)
    return (
        bool(pure.parts) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in path
    )


def sidecar_json(entries: Sequence[CatalogueEntry]) -> str:
    ordered = sorted(entries, key=lambda e: (e.lang, e.id))
    data = {"version": SIDECAR_VERSION, "entries": [entry_to_json(e) for e in ordered]}
    # Not indented: the indenting encoder is Python's slow one (0.4 s for 200 handouts).
    return json.dumps(data, ensure_ascii=False) + "\n"


# --- rack packs -------------------------------------------------------------------------


def rack_packs(build_dir: Path) -> list[RackPack]:
    """The rack packs on disk, as printing/racks.py recorded them."""
    from clinic_handouts.printing.racks import made_packs

    packs = []
    for record in made_packs(build_dir):
        try:
            entries = record["entries"]
            packs.append(
                RackPack(
                    name=str(record["name"]),
                    href=paths.rack_pack_key(str(record["name"])),
                    handouts=len(entries),
                    copies=sum(int(e["copies"]) for e in entries),
                    pages=int(record["pages"]),
                    made_on=dt.date.fromisoformat(str(record["made_on"])),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue  # the tool's own file, unreadable: the next build writes it again
    return packs


# --- the build's hook -------------------------------------------------------------------


def settings_for(config: ProjectConfig, today: dt.date) -> CatalogueSettings:
    langs = (config.default_lang, *config.languages)
    names: dict[str, str] = {}
    ui: Strings | None = None
    for lang in {*langs, *config.disclaimer}:
        strings = None
        with contextlib.suppress(HandoutError):
            strings = load_strings(lang, config.root)
        names[lang] = strings.name if strings else lang
        if lang == config.default_lang:
            ui = strings
    settings = CatalogueSettings(
        clinic_name=config.clinic.name,
        ui_lang=config.default_lang,
        today=today,
        due_soon_days=config.due_soon_days,
        brand_color=config.brand.color,
        lang_names=names,
        lang_order=tuple(dict.fromkeys(langs)),
        ui_words=ui,
        synonyms=tuple(config.search_synonyms.items()),
    )
    if ui is not None:
        # In the project's date style (21 November 2026 in GB and AU), as on the handouts.
        settings = replace(settings, ui_words=in_date_style(ui, config.date_style))
    return settings


def update_catalogue(
    config: ProjectConfig,
    theme: Theme,
    outputs: Sequence[Output],
    grades: Mapping[str, float | None],
    today: dt.date,
) -> Path:
    """Called at the end of every build with every current output (built or up to date)
    and the reading grade of each handout file they were made from."""
    build_dir = config.build_dir
    settings = settings_for(config, today)
    packs = rack_packs(build_dir)
    key = cache_key(build_dir)
    inputs = unchanged.inputs_digest(theme, settings, packs, outputs, grades, build_dir)
    if unchanged.still_current(build_dir, key, inputs):
        return build_dir / PAGE  # a build with nothing new: the catalogue is this already
    unchanged.forget(build_dir)
    # The example handout of `handouts init` (example: true) is built but never listed.
    examples = {o.handout.rel for o in outputs if o.handout.example}
    outputs = [o for o in outputs if not o.handout.example]
    previous = read_sidecar(build_dir)
    current = entries_from_outputs(outputs, build_dir, grades, previous)
    merged = merge(current, previous, config.root, build_dir)
    entries = [e for e in merged if e.source not in examples]
    made = {
        paths.thumbnail_key(o.handout.lang, o.handout.slug): o.sha256
        for o in outputs
        if o.thumbnail
    }
    entries = with_thumbnails(entries, previous, build_dir, made)
    page = write_catalogue(build_dir, theme, settings, entries, packs)
    write_atomic(build_dir / SIDECAR, sidecar_json(entries).encode("utf-8"))
    if len(merged) == len(current):  # nothing kept from earlier builds: see unchanged.py
        thumbnails = sorted(e.thumbnail for e in entries if e.thumbnail)
        unchanged.remember(build_dir, key, inputs, [PAGE, SIDECAR, *thumbnails])
    return page
