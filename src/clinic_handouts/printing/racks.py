"""Rack restock packs: ``racks/<name>.toml`` says what a waiting-room rack holds, and every
build writes ``build/racks/<name>.pdf``, one file that restocks it in one print job.

A rack file has one ``[[handout]]`` table per entry: ``id``, ``lang`` (default: the
project's), ``edition`` (``standard``, ``large-print`` or ``trifold``) and ``copies``.

The pack is a slip sheet, then every copy of every entry, collated (copy 1 whole, then
copy 2). Each copy starts on an odd page: a blank page pads a copy that ends on an odd
one, so double-sided printing never puts the end of one handout on the back of the next.
Tri-fold sheets are turned a quarter onto portrait paper (outside page clockwise, inside
page the other way), so the whole pack prints two-sided on the long edge and each
brochure's inside still reads the right way up.

The slip sheet is for staff, not patients: rack name, date made, and for each entry its
title, language, edition, copies and review dates, so whoever restocks can check the
version against the rack. It is rendered by the normal renderer (render/pdf.py), on the
project's paper, and carries the clinic's disclaimer and crisis line as every printed
page does, verified like every PDF, with a "for staff" line so it is not put in the rack.

A rack that names a handout that is missing, failing or overdue is a problem at the rack
file's line, and its pack is not written (an earlier pack is left, as a failing handout
keeps its last good PDF; ``handouts print --rack`` builds first and refuses it). A pack is
only made again when its rack file or one of its PDFs changed (``build/racks/<name>.json``
records what it was made from).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from clinic_handouts.addresses import allowed_roots
from clinic_handouts.build import deliverable
from clinic_handouts.build.atomic import write_atomic
from clinic_handouts.errors import HandoutError, Problem, error
from clinic_handouts.project import paths
from clinic_handouts.project.config import suggest
from clinic_handouts.project.editions import Variant
from clinic_handouts.project.load import Project
from clinic_handouts.project.sources import Handout
from clinic_handouts.project.words import load_strings
from clinic_handouts.render.stamp import Stamp

if TYPE_CHECKING:
    from pypdf.generic import RectangleObject

    from clinic_handouts.build.plan import BuildReport

EDITIONS = ("standard", "large-print", "trifold")
KEYS = ("id", "lang", "edition", "copies")
MAX_COPIES = 500
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
STAFF_NOTE = "For staff: restock slip. Not a patient handout; do not put it in the rack."
SIDECAR_VERSION = 1


@dataclass(frozen=True)
class RackEntry:
    """One ``[[handout]]`` table of a rack file: which handout goes in the rack, in which
    language and edition, and how many copies."""

    id: str
    lang: str
    edition: str
    copies: int
    line: int  # of its [[handout]] header in the rack file


@dataclass(frozen=True)
class Rack:
    """A rack file as read: what one waiting-room rack holds, entry by entry."""

    name: str  # the file's stem, and the pack's: racks/<name>.toml makes racks/<name>.pdf
    rel: str  # racks/<name>.toml
    entries: tuple[RackEntry, ...]


@dataclass(frozen=True)
class Member:
    """One resolved entry: its handout, edition and built PDF."""

    entry: RackEntry
    handout: Handout
    variant: Variant
    pdf: Path


@dataclass(frozen=True)
class Pack:
    """A rack's restock pack, built and checked, as ``handouts print --rack`` sends it:
    one PDF, printed as one job (``pack_for_printing``)."""

    name: str  # the print job's name: "Restock pack: <rack>"
    described: str  # for messages: "the restock pack for the rack lobby (3 handouts, 40 copies)"
    pdf: bytes
    warnings: tuple[Problem, ...]  # of the handouts in it; the print command lists them
    # Each entry's built handout and its copies in one pack, for the education record.
    members: tuple[tuple[deliverable.Deliverable, int], ...] = ()


# --- reading rack files ---------------------------------------------------------------------


def _lines(text: str) -> tuple[list[int], dict[tuple[int, str], int]]:
    """The line of each ``[[handout]]`` header and of each key under it."""
    headers: list[int] = []
    keys: dict[tuple[int, str], int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if re.match(r"^\[\[\s*handout\s*\]\]", line):
            headers.append(number)
        elif headers and (match := re.match(r"^\"?([A-Za-z0-9_-]+)\"?\s*=", line)):
            keys.setdefault((len(headers) - 1, match.group(1)), number)
    return headers, keys


def load_rack(root: Path, path: Path, default_lang: str) -> tuple[Rack | None, list[Problem]]:
    rel = f"{paths.RACKS}/{path.name}"
    name = path.stem
    if not _NAME_RE.match(name):
        return None, [
            error(
                rel,
                0,
                "rack",
                "a rack file's name is lowercase letters, digits and -, "
                "like waiting-room.toml; rename it",
            )
        ]
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        return None, [error(rel, 0, "rack", "the file is not UTF-8 text; save it as UTF-8")]
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        return None, [
            error(rel, int(match.group(1)) if match else 0, "rack", f"not valid TOML: {exc}")
        ]
    except OSError as exc:
        return None, [error(rel, 0, "rack", f"cannot read it ({exc.strerror})")]
    problems: list[Problem] = []
    headers, key_lines = _lines(text)
    for key in data:
        if key != "handout":
            problems.append(
                error(rel, 0, "rack", f"{key}: unknown; a rack file holds only [[handout]] tables")
            )
    tables = data.get("handout", [])
    if not isinstance(tables, list) or not tables:
        problems.append(
            error(
                rel,
                0,
                "rack",
                "list what the rack holds, one [[handout]] table each, with "
                'id = "..." and copies = N',
            )
        )
        return None, problems
    entries: list[RackEntry] = []
    for index, table in enumerate(tables):
        header = headers[index] if index < len(headers) else 0
        if not isinstance(table, dict):
            continue

        def where(key: str, index: int = index, header: int = header) -> int:
            return key_lines.get((index, key), header)

        for key in table:
            if key not in KEYS:
                problems.append(
                    error(rel, where(key), "rack", f"{key}: unknown key{suggest(key, KEYS)}")
                )
        handout_id = table.get("id")
        lang = table.get("lang", default_lang)
        edition = table.get("edition", "standard")
        copies = table.get("copies", 1)
        bad = len(problems)
        if not isinstance(handout_id, str) or not handout_id.strip():
            problems.append(
                error(rel, where("id"), "rack", 'id: required, the handout\'s id like "sleep"')
            )
        if not isinstance(lang, str) or not re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", lang):
            problems.append(error(rel, where("lang"), "rack", "lang: expected a code like 'es'"))
        if edition not in EDITIONS:
            problems.append(
                error(
                    rel,
                    where("edition"),
                    "rack",
                    f"edition: expected 'standard', 'large-print' or 'trifold', got {edition!r}",
                )
            )
        if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
            problems.append(
                error(
                    rel,
                    where("copies"),
                    "rack",
                    f"copies: expected a whole number from 1 to {MAX_COPIES}, got {copies!r}",
                )
            )
        if len(problems) == bad:
            assert isinstance(handout_id, str) and isinstance(lang, str)
            entries.append(RackEntry(handout_id, lang, str(edition), int(copies), header))
    if problems:
        return None, problems
    return Rack(name, rel, tuple(entries)), []


def rack_files(root: Path) -> list[Path]:
    folder = root / paths.RACKS
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


# --- resolving entries ----------------------------------------------------------------------


def _resolve(
    project: Project, rack: Rack, entry: RackEntry
) -> tuple[tuple[Handout, Variant] | None, Problem | None]:
    handout = next((h for h in project.handouts if h.id == entry.id and h.lang == entry.lang), None)
    rel = f"{paths.HANDOUTS}/{entry.lang}/{entry.id}.md"
    if handout is None:
        if any(p.is_error and p.path == rel for p in project.problems):
            return None, error(
                rack.rel,
                entry.line,
                "rack-failing",
                f"{rel} has errors (listed with it), so this rack's pack was not written; "
                "fix them and build again",
            )
        known = {h.id for h in project.handouts if h.lang == entry.lang}
        return None, error(
            rack.rel,
            entry.line,
            "rack-missing",
            f"no handout '{entry.id}' in '{entry.lang}'{suggest(entry.id, known)}, so this "
            "rack's pack was not written; fix the id or lang, or remove this [[handout]]",
        )
    variant = deliverable.find_variant(handout, entry.edition)
    if variant is None:
        return None, error(
            rack.rel,
            entry.line,
            "rack-missing",
            f"{handout.rel} has no {entry.edition} edition, so this rack's pack was not "
            "written; choose another edition for it",
        )
    return (handout, variant), None


def _failing(
    rack: Rack, entry: RackEntry, handout: Handout, problems: Sequence[Problem]
) -> Problem | None:
    errors = [p for p in problems if p.is_error and p.path == handout.rel]
    if not errors:
        return None
    if any(p.code == "review-overdue" for p in errors):
        return error(
            rack.rel,
            entry.line,
            "rack-overdue",
            f"{handout.rel} is overdue for its review, so this rack's pack was not written: "
            "ask the clinical reviewer to review it, or take it out of the rack",
        )
    return error(
        rack.rel,
        entry.line,
        "rack-failing",
        f"{handout.rel} has errors (listed with it), so this rack's pack was not written; "
        "fix them and build again",
    )


# --- making the pack ------------------------------------------------------------------------

SLIP_TEMPLATE = """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Restock slip: {{ rack }}</title>
<style>
  @page { size: {{ paper }}; margin: 0.8in 0.8in 1.6in;
          @bottom-center { content: element(stamp); width: 100%; vertical-align: top; } }
  html { font-family: "DejaVu Sans", sans-serif; font-size: 12pt; line-height: 1.35; }
  h1 { font-size: 20pt; margin: 0 0 4pt; }
  .made { margin: 0 0 14pt; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1pt solid #444; padding: 4pt 6pt; text-align: left; vertical-align: top; }
  th { background: #eee; }
  td.copies { text-align: right; }
  footer { position: running(stamp); border-top: 1pt solid #444; padding-top: 4pt;
           font-size: 10pt; }
  footer p { margin: 0 0 2pt; }
  .staff { font-weight: bold; }
</style></head>
<body>
<footer>
  <p class="staff">{{ staff_note }}</p>
  <p>{{ crisis }}</p>
  <p>{{ disclaimer }}</p>
</footer>
<h1>Restock slip: {{ rack }}</h1>
<p class="made">{{ clinic }} · made {{ made }} ·
  {{ total_copies }} copies, {{ total_pages }} pages after this slip</p>
<table>
  <thead><tr><th>Handout</th><th>Language</th><th>Edition</th><th>Copies</th><th>Review</th></tr></thead>
  <tbody>
  {% for row in rows %}
    <tr><td>{{ row.title }}<br><small>{{ row.id }}</small></td><td>{{ row.language }}</td>
        <td>{{ row.edition }}</td><td class="copies">{{ row.copies }}</td>
        <td>reviewed {{ row.reviewed }}<br>next review {{ row.next }}</td></tr>
  {% endfor %}
  </tbody>
</table>
</body>
</html>
"""


def _slip_sheet(
    project: Project, rack: Rack, members: Sequence[Member], made: dt.date, pages: int
) -> bytes:
    from clinic_handouts.render.pdf import Renderer  # loads WeasyPrint: only when needed

    config = project.config
    lang = config.default_lang
    crisis = project.crisis.for_lang(lang)
    rows = []
    for member in members:
        handout = member.handout
        rows.append(
            {
                "title": handout.title,
                "id": handout.id,
                "language": f"{handout.lang} ({load_strings(handout.lang, config.root).name})",
                "edition": member.variant.name,
                "copies": member.entry.copies,
                "reviewed": handout.reviewed_on.isoformat(),
                "next": handout.next_review.isoformat(),
            }
        )
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    html = env.from_string(SLIP_TEMPLATE).render(
        rack=rack.name,
        paper=config.paper,
        staff_note=STAFF_NOTE,
        crisis=crisis.footer,
        disclaimer=config.disclaimer[lang],
        clinic=config.clinic.name,
        made=made.isoformat(),
        rows=rows,
        total_copies=sum(m.entry.copies for m in members),
        total_pages=pages,
    )
    stamp = Stamp(every_page=(STAFF_NOTE, crisis.footer, config.disclaimer[lang]), in_body=())
    renderer = Renderer(allowed_roots(config.root))
    data = renderer.render_pdf(html, config.root.as_uri() + "/", stamp, _pack_id(rack.name)).data
    return data


def _pack_id(name: str) -> bytes:
    return hashlib.md5(f"clinic-handouts:rack:{name}".encode(), usedforsecurity=False).digest()


def _portrait(box: RectangleObject) -> RectangleObject:
    from pypdf.generic import RectangleObject

    return box if box.width <= box.height else RectangleObject((0, 0, box.height, box.width))


def assemble(slip: bytes, members: Sequence[Member]) -> bytes:
    """Slip sheet, then each copy of each member on its own sheets (odd page first)."""
    from pypdf import PdfReader, PdfWriter  # only when a pack is made

    writer = PdfWriter()
    slip_reader = PdfReader(io.BytesIO(slip))
    for page in slip_reader.pages:
        writer.add_page(page)
    size = _portrait(slip_reader.pages[0].mediabox)

    def pad() -> None:
        if len(writer.pages) % 2:
            writer.add_blank_page(float(size.width), float(size.height))

    pad()
    for member in members:
        reader = PdfReader(member.pdf)
        for _ in range(member.entry.copies):
            for number, page in enumerate(reader.pages):
                added = writer.add_page(page)
                box = added.mediabox
                if box.width > box.height:
                    # A landscape sheet (the tri-fold) turned onto portrait paper: the
                    # inside the other way round, so a long-edge flip shows it upright.
                    added.rotate(90 if number % 2 == 0 else 270)
            pad()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _count_pages(members: Sequence[Member]) -> int:
    from pypdf import PdfReader

    total = 0
    for member in members:
        pages = len(PdfReader(member.pdf).pages)
        total += (pages + pages % 2) * member.entry.copies
    return total


def _fingerprint(rack_file: Path, members: Sequence[Member], project: Project) -> str:
    digest = hashlib.sha256()
    digest.update(rack_file.read_bytes())
    config = project.config
    digest.update(json.dumps([config.paper, config.clinic.name, dict(config.disclaimer)]).encode())
    digest.update(project.crisis.for_lang(config.default_lang).footer.encode())
    for member in members:
        digest.update(member.pdf.read_bytes())
        digest.update(f"{member.handout.title}|{member.handout.reviewed_on}".encode())
    return digest.hexdigest()


def _sidecar(build_dir: Path, name: str) -> Path:
    return build_dir / paths.RACK_PACKS / f"{name}.json"


def write_rack_packs(
    project: Project, report: BuildReport, today: dt.date
) -> tuple[list[Problem], bool]:
    """Every build's last step: write each rack's pack from this build's PDFs.

    A rack whose handouts were not all part of this build (``--only``, ``--lang``) is left
    as it was. Returns the problems to report, and whether any pack was written or removed
    (the catalogue lists them).
    """
    config = project.config
    build_dir = config.build_dir
    problems: list[Problem] = []
    current = {(o.handout.rel, o.variant.name): o.pdf for o in report.outputs if o.pdf.is_file()}
    checked = {o.handout.rel for o in report.outputs} | set(report.failed_files)
    names: set[str] = set()
    changed = False
    for path in rack_files(config.root):
        rack, rack_problems = load_rack(config.root, path, config.default_lang)
        problems.extend(rack_problems)
        if rack is None:
            continue
        names.add(rack.name)
        members: list[Member] = []
        blocked = False
        for entry in rack.entries:
            resolved, problem = _resolve(project, rack, entry)
            if problem is not None:
                problems.append(problem)
                blocked = True
                continue
            assert resolved is not None
            handout, variant = resolved
            failing = _failing(rack, entry, handout, report.problems)
            if failing is not None:
                problems.append(failing)
                blocked = True
                continue
            pdf = current.get((handout.rel, variant.name))
            if pdf is None:
                if handout.rel in checked:  # built this time but that edition was not written
                    problems.append(
                        error(
                            rack.rel,
                            entry.line,
                            "rack-failing",
                            f"{handout.rel}: its {variant.name} PDF was not built, so this "
                            "rack's pack was not written",
                        )
                    )
                blocked = True  # not part of this build: leave the pack as it was
                continue
            members.append(Member(entry, handout, variant, pdf))
        if blocked:
            continue
        changed = _write_pack(project, rack, path, members, today) or changed
    changed = _remove_orphans(build_dir, names) or changed
    return problems, changed


def _write_pack(
    project: Project, rack: Rack, path: Path, members: Sequence[Member], today: dt.date
) -> bool:
    build_dir = project.config.build_dir
    fingerprint = _fingerprint(path, members, project)
    sidecar = _sidecar(build_dir, rack.name)
    pack_path = build_dir / paths.rack_pack_key(rack.name)
    try:
        recorded = json.loads(sidecar.read_text(encoding="utf-8"))
        if recorded.get("fingerprint") == fingerprint and pack_path.is_file():
            return False
    except (OSError, ValueError):
        pass
    from pypdf import PdfReader

    slip = _slip_sheet(project, rack, members, today, _count_pages(members))
    data = assemble(slip, members)
    write_atomic(pack_path, data)
    record = {
        "version": SIDECAR_VERSION,
        "fingerprint": fingerprint,
        "made_on": today.isoformat(),
        "rack": rack.rel,
        "pages": len(PdfReader(io.BytesIO(data)).pages),
        "entries": [
            {
                "id": m.handout.id,
                "lang": m.handout.lang,
                "edition": m.variant.name,
                "copies": m.entry.copies,
            }
            for m in members
        ],
    }
    write_atomic(sidecar, json.dumps(record, indent=2).encode())
    return True


def _remove_orphans(build_dir: Path, names: set[str]) -> bool:
    """Packs of rack files that are gone (only those this module wrote: with a sidecar)."""
    folder = build_dir / paths.RACK_PACKS
    removed = False
    for sidecar in folder.glob("*.json") if folder.is_dir() else []:
        if sidecar.stem not in names:
            (folder / f"{sidecar.stem}.pdf").unlink(missing_ok=True)
            sidecar.unlink(missing_ok=True)
            removed = True
    return removed


def made_packs(build_dir: Path) -> list[dict[str, Any]]:
    """What the catalogue lists: each pack on disk with what it was made from."""
    folder = build_dir / paths.RACK_PACKS
    packs = []
    for sidecar in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            record = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (folder / f"{sidecar.stem}.pdf").is_file() and isinstance(record, dict):
            packs.append({"name": sidecar.stem, **record})
    return packs


# --- handouts print --rack ------------------------------------------------------------------


def pack_for_printing(
    project: Project, name: str, today: dt.date, refuse: deliverable.Refuse
) -> Pack:
    """Build the rack's handouts (which writes its pack) and return the pack, or refuse."""
    config = project.config
    path = config.root / paths.RACKS / f"{name}.toml"
    if not _NAME_RE.match(name) or not path.is_file():
        known = [p.stem for p in rack_files(config.root)]
        raise deliverable.usage(
            f"--rack {name}: no {paths.RACKS}/{name}.toml{suggest(name, known)}. Racks: "
            f"{', '.join(known) or 'none yet'} (see docs/printing.md)"
        )
    rack, problems = load_rack(config.root, path, config.default_lang)
    if rack is None:
        raise refuse(f"the rack {name}", problems)
    wanted = []
    for entry in rack.entries:
        resolved, problem = _resolve(project, rack, entry)
        if problem is not None:
            rel = f"{paths.HANDOUTS}/{entry.lang}/{entry.id}.md"
            listed = [p for p in project.problems if p.is_error and p.path == rel]
            raise refuse(f"the rack {name}", [problem, *listed])
        assert resolved is not None
        wanted.append(resolved)

    def refuse_rack(what: str, problems: list[Problem]) -> HandoutError:
        # The rack file's lines first: which entries stop the pack, then why.
        assert rack is not None
        lines = [
            _failing(rack, entry, handout, problems)
            for entry, (handout, _) in zip(rack.entries, wanted, strict=True)
        ]
        return refuse(f"the rack {name}", [*(p for p in lines if p is not None), *problems])

    made = deliverable.build_checked(project, wanted, today, refuse_rack)
    pack_path = config.build_dir / paths.rack_pack_key(name)
    try:
        data = pack_path.read_bytes()
    except OSError:
        raise refuse(
            f"the rack {name}",
            [
                error(
                    rack.rel,
                    0,
                    "rack-failing",
                    f"the build did not write {paths.BUILD}/{paths.rack_pack_key(name)}",
                )
            ],
        ) from None
    copies = sum(e.copies for e in rack.entries)
    described = (
        f"the restock pack for the rack {name} ({len(rack.entries)} handouts, {copies} copies)"
    )
    warnings = tuple(w for m in made for w in m.warnings)
    members = tuple((m, e.copies) for m, e in zip(made, rack.entries, strict=True))
    return Pack(f"Restock pack: {name}", described, data, warnings, members)
