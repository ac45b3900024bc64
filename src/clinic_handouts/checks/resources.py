"""Images and local links, checked before anything is rendered, each at its line:

- ``missing-alt-text`` (error): an image without a description (empty, or only its file
  name). Screen readers read the description to patients who cannot see the picture.
- ``blocked-resource`` (error): what the build's URL fetcher (render/pdf.py) would refuse: an
  image from a network address, an absolute path, a file outside the project folder
  (through ``..`` or a symbolic link). Local links are held to the same rule: a linked
  file that is not in the project is not shipped with it.
- ``missing-resource`` (error): an image or local link to a file that does not exist.
- ``bad-image`` (error): a picture that cannot be printed as it is: empty, damaged, not
  a picture at all, far too large, or an SVG that could load files or take hours to draw
  (render/images.py has the rules). Each picture is read and decoded here, before any render,
  so none is left out of a PDF without a word.
- ``local-link`` (warning): a link to a file in the project. On paper a link does
  nothing, and in a PDF it would point into the folders of the computer that made it
  (and differ from one computer to another), so text/markdown.py prints the link's words
  without the address. To let patients open the file, put it on the clinic's website
  and link to that.

Markdown images and links (inline and reference style) and raw ``<img>``/``<a>`` tags are
found in the source; paths are resolved relative to the handout's file, as the renderer
does. Addresses with other schemes (``file:``, ``javascript:``...) are reported by
text/markdown.py; links to web pages, ``mailto:`` and ``tel:`` are printed, never fetched.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote

from clinic_handouts.addresses import locate, normalize_url, scheme_of
from clinic_handouts.errors import Problem, error, warning
from clinic_handouts.project.config import suggest
from clinic_handouts.project.sources import Handout
from clinic_handouts.render.images import MAX_IMAGE_BYTES, DataUrl, decode_data_url, image_problem
from clinic_handouts.text.markdown import BodyHtml
from clinic_handouts.text.prose import blank_comments

if TYPE_CHECKING:
    from clinic_handouts.checks import CheckContext

_URL = r"(?:<(?P<{0}a>[^>\n]*)>|(?P<{0}b>[^)\s]+))"
_TITLE = r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?"
_IMAGE_RE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*" + _URL.format("u") + _TITLE + r"\s*\)")
_LINK_RE = re.compile(r"(?<!!)\[(?P<text>[^\][]*)\]\(\s*" + _URL.format("u") + _TITLE + r"\s*\)")
_REF_IMAGE_RE = re.compile(r"!\[(?P<alt>[^\]]*)\](?:\[(?P<label>[^\]]*)\])?(?!\()")
_DEFINITION_RE = re.compile(r"^ {0,3}\[(?P<label>[^\]]+)\]:[ \t]*" + _URL.format("u"), re.M)
_DOMAIN_RE = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:org|com|gov|net|edu|info)(?:/.*)?$")
_FILE_NAME_RE = re.compile(r"^\S+\.(?:png|jpe?g|gif|svg|webp|bmp|tiff?)$")
_CAMERA_NAME_RE = re.compile(r"^(?:img|image|dsc|dscn|photo|picture|pic|screenshot)[\s_-]*\d*$")


@dataclass(frozen=True)
class Reference:
    """One picture or link in a handout's body, in Markdown or HTML, as ``references`` finds
    it: its address, and a picture's description, each with the line it is written on."""

    kind: str  # "image" or "link"
    url: str
    line: int  # where the address is written (fix the path here)
    alt: str | None = None  # images only
    alt_line: int = 0  # where the description is written (missing-alt-text)


def _url(match: re.Match[str]) -> str:
    return (match.group("ua") if match.group("ua") is not None else match.group("ub")).strip()


def _line(body: str, offset: int, first_line: int) -> int:
    return first_line + body.count("\n", 0, offset)


class _TagFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("img", "a"):
            self.found.append((self.getpos()[0], tag, dict(attrs)))


def references(body: str, first_line: int) -> Iterator[Reference]:
    """Every image and link in a body, with the lines of its address and description."""
    text = blank_comments(body)
    # Each pattern needs these two characters side by side (and a tag needs "<"): most
    # handouts have few pictures and links, and this runs on every build.
    definitions = {
        m.group("label").strip().lower(): (_url(m), _line(text, m.start(), first_line))
        for m in (_DEFINITION_RE.finditer(text) if "]:" in text else ())
    }
    used: set[str] = set()
    if "![" in text:
        for m in _IMAGE_RE.finditer(text):
            line = _line(text, m.start(), first_line)
            yield Reference("image", _url(m), line, m.group("alt"), line)
        for m in _REF_IMAGE_RE.finditer(text):
            label = (m.group("label") or m.group("alt")).strip().lower()
            if label in definitions:
                used.add(label)
                url, url_line = definitions[label]
                yield Reference(
                    "image", url, url_line, m.group("alt"), _line(text, m.start(), first_line)
                )
    if "](" in text:
        for m in _LINK_RE.finditer(text):
            yield Reference("link", _url(m), _line(text, m.start(), first_line))
    for label, (url, url_line) in definitions.items():
        if label not in used:
            yield Reference("link", url, url_line)
    if "<" not in text:
        return
    finder = _TagFinder()
    finder.feed(text)
    finder.close()
    for row, tag, attrs in finder.found:
        line = first_line + row - 1
        if tag == "img":
            yield Reference(
                "image", (attrs.get("src") or "").strip(), line, attrs.get("alt") or "", line
            )
        elif attrs.get("href"):
            yield Reference("link", (attrs.get("href") or "").strip(), line)


def _alt_problem(handout: Handout, ref: Reference) -> Problem | None:
    alt = " ".join((ref.alt or "").split())
    name = PurePosixPath(unquote(ref.url.split("?")[0].split("#")[0])).name
    shown = ref.url if len(ref.url) <= 60 else "…" + ref.url[-50:]
    fix = (
        f"Write what it shows between the brackets, like ![A nurse taking a blood "
        f"pressure]({shown}); screen readers read it to patients who cannot see the picture"
    )
    if not alt:
        return error(
            handout.rel,
            ref.alt_line,
            "missing-alt-text",
            f"the image {shown} has no description. {fix}",
        )
    lowered = alt.lower()
    if lowered == name.lower() or _FILE_NAME_RE.match(lowered) or _CAMERA_NAME_RE.match(lowered):
        return error(
            handout.rel,
            ref.alt_line,
            "missing-alt-text",
            f"the description of the image {shown} is only a file name ('{alt}'). {fix}",
        )
    return None


def _resource_problem(handout: Handout, ref: Reference, roots: tuple[Path, ...]) -> Problem | None:
    # Read the address as the converter and a URL parser will (entities decoded, tabs
    # inside ignored), so "jav&#x09;ascript:" is a scheme here too, not a file name.
    url = normalize_url(html.unescape(ref.url))
    what = "image" if ref.kind == "image" else "linked file"
    if not url or url.startswith("#"):
        return None
    scheme = scheme_of(url)
    if scheme == "data" and ref.kind == "image":
        if not url[5:].lstrip().lower().startswith("image/"):
            return None  # text/markdown.py refuses it: only pictures may be embedded
        return _picture_problem(handout, ref, _data_url_bytes(url))
    if scheme or url.startswith("//"):
        if ref.kind == "image" and scheme in ("", "http", "https"):  # "" is "//host/..."
            return error(
                handout.rel,
                ref.line,
                "blocked-resource",
                f"{url}: network addresses are never fetched; save the picture in the "
                "project folder (for example in images/ next to the handout) and write its "
                "path, like images/chart.png",
            )
        return None  # web links are printed; other schemes are reported by text/markdown.py
    path = unquote(url.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return None
    if path.startswith(("/", "\\")):
        return error(
            handout.rel,
            ref.line,
            "blocked-resource",
            f"{url}: an absolute path points outside the project folder; copy the file "
            "into the project and write its path from the handout's folder, like "
            "images/chart.png",
        )
    root = roots[0]
    target = handout.source.parent / path
    found = locate(target, roots)  # the one address policy (addresses.py)
    if found.status == "outside":
        return error(
            handout.rel,
            ref.line,
            "blocked-resource",
            f"{url}: this {what} is outside the project folder; copy it into the project "
            "(for example next to the handout) and use the copy's path",
        )
    if found.status == "missing":
        hint = ""
        if target.parent.is_dir():
            hint = suggest(target.name, (p.name for p in target.parent.iterdir()))
        if not hint and ref.kind == "link" and _DOMAIN_RE.match(path):
            hint = f" (if this is a web address, write https://{path})"
        if not hint:
            hint = elsewhere_hint(target, handout.source.parent, root)
        normal = found.path
        where = normal.relative_to(root).as_posix() if normal.is_relative_to(root) else path
        return error(
            handout.rel,
            ref.line,
            "missing-resource",
            f"{url}: there is no {what} at {where}{hint}; check the name and the folder "
            "(paths are relative to the handout's folder)",
        )
    if found.status == "linked-outside":
        return error(
            handout.rel,
            ref.line,
            "blocked-resource",
            f"{url}: this is a link to a file outside the project folder; copy the file "
            "itself into the project",
        )
    if found.status == "not-a-file":
        return error(
            handout.rel,
            ref.line,
            "missing-resource",
            f"{url}: this is a folder, not a file; write the path of the file inside it",
        )
    resolved = found.path
    if ref.kind == "link":
        return warning(
            handout.rel,
            ref.line,
            "local-link",
            f"{url}: a link to a file on this computer cannot work on paper or in an "
            "emailed PDF, so only its words are printed. To let patients open the file, "
            "put it on the clinic's website and link to its https:// address",
        )
    try:
        with resolved.open("rb") as handle:
            data: bytes | str = handle.read(MAX_IMAGE_BYTES + 1)  # bounded, whatever its size
    except OSError as exc:
        data = f"the picture cannot be read ({exc.strerror}); check that the file is yours to read"
    return _picture_problem(handout, ref, data)


def _data_url_bytes(url: str) -> bytes | str:
    decoded = decode_data_url(url)
    return decoded.data if isinstance(decoded, DataUrl) else decoded


def _picture_problem(handout: Handout, ref: Reference, data: bytes | str) -> Problem | None:
    """``data``: the picture's bytes, or already the reason they cannot be read."""
    reason = data if isinstance(data, str) else image_problem(data)
    if reason is None:
        return None
    shown = ref.url if len(ref.url) <= 60 else ref.url[:40] + "…"
    return error(handout.rel, ref.line, "bad-image", f"{shown}: {reason}")


_SEARCH_LIMIT = 20_000  # files looked at, so a huge project folder cannot stall a check
_SKIPPED = {"build", "node_modules", "__pycache__"}


def elsewhere_hint(target: Path, folder: Path, root: Path) -> str:
    """ " (there is one at images/x.png: write ../images/x.png)" when a file of that name
    is somewhere else in the project (not in build/ or a hidden folder), else ""."""
    seen = 0
    for here, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED and not d.startswith("."))
        seen += len(files)
        if target.name in files:
            found = Path(here) / target.name
            rel = found.relative_to(root).as_posix()
            return (
                f" (there is one at {rel}: write {Path(os.path.relpath(found, folder)).as_posix()})"
            )
        if seen > _SEARCH_LIMIT:
            break
    return ""


def check(handout: Handout, markup: BodyHtml, context: CheckContext) -> list[Problem]:
    roots = context.roots
    problems: set[Problem] = set()
    for ref in references(handout.body, handout.body_line):
        if ref.kind == "image" and (alt := _alt_problem(handout, ref)):
            problems.add(alt)
        if found := _resource_problem(handout, ref, roots):
            problems.add(found)
    return sorted(problems)
