"""HTML document -> verified PDF bytes. The only module that imports WeasyPrint.

- ``SafeFetcher`` lets WeasyPrint read ``data:`` URLs and files inside the allowed
  folders (the project and the bundled theme), resolved so ``..`` and symlinks cannot
  escape, and at most ``MAX_RESOURCE_BYTES`` long. Anything else stops the render with
  ``BlockedResource``; nothing is fetched from the network, ever. Every fetch goes
  through it: the page's images and stylesheets, ``@import`` and ``url()`` in the
  theme's CSS, fonts, and what an SVG image refers to. WeasyPrint swallows errors
  raised while it draws an SVG (the image is just left out), so the fetcher also keeps
  a list of what it refused, and ``render_pdf`` fails on it after drawing.
- ``render_pdf`` lays the document out, checks that every page carries the stamp
  (disclaimer and crisis line), wholly on the paper, and that the body lists the crisis
  contacts, and only then produces PDF bytes. A PDF without its stamp is never returned.
- Every PDF is tagged (PDF/UA-1: structure tree, /Lang, DisplayDocTitle, MarkInfo), with
  fonts embedded and subset; ``tagging.finish_structure`` marks the margin stamp as
  artifacts and gives header cells their scope before the bytes are written.
- The bytes depend only on the document and the build date: the PDF's ID is given by
  the caller and pictures are named after their place in the project, so the same
  project built in another folder or process gives the same bytes.
- The ID (``/ID [permanent changing]``, the second part a hash of the file) is written
  into the finished trailer by ``with_identifier``. Asking the PDF writer for it instead
  makes it serialise and compress every object a second time just to hash them, about
  4 % of a render.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.formatting_structure import boxes
from weasyprint.images import RasterImage
from weasyprint.text.ffi import ffi, pango
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from clinic_handouts.addresses import OUTSIDE, loadable, scheme_of
from clinic_handouts.render.fonts import font_file, package_for, script_name
from clinic_handouts.render.images import decode_data_url, image_problem
from clinic_handouts.render.stamp import Stamp
from clinic_handouts.render.tagging import finish_structure


class BlockedResource(FatalURLFetchingError):  # type: ignore[misc]
    """The document asked for a URL the build refuses to fetch."""

    def __init__(self, url: str, reason: str, code: str = "blocked-resource") -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.code = code


class NotPrinted(Exception):
    """The laid-out document is not fit for paper: the PDF is not written."""

    code = "not-printed"
    advice = ""


class StampMissing(NotPrinted):
    """A rendered page lacks the disclaimer or the crisis line."""

    code = "stamp-missing"
    advice = "The theme's templates must keep the stamp; check templates/ in the project"


class StampCutOff(StampMissing):
    """Part of the running stamp lies beyond the edge of the paper."""

    code = "stamp-cut-off"
    advice = (
        "Make the disclaimer in handouts.toml shorter, or give the stamp more room: the "
        "page margins in styles/print.css (styles/large-print.css for large print)"
    )


class StampCovered(StampMissing):
    """Something in the body is laid out over the page margins, where the stamp lives:
    the disclaimer and crisis line would be printed but could be hidden under it."""

    code = "stamp-covered"
    advice = (
        "Make the picture or table smaller or split it over two pages; if the project "
        "has its own styles/print.css, keep pictures inside the page there "
        "(img { max-width: 100%; max-height: 85vh; object-fit: contain; })"
    )


class MissingGlyph(NotPrinted):
    """Some characters on the page have no glyph in any installed font: paper would show
    empty boxes ("tofu") where the words should be."""

    code = "missing-glyph"

    def __init__(self, page: int, pages: int, chars: list[str], langs: list[str]) -> None:
        shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in chars[:8])
        more = f" and {len(chars) - 8} more" if len(chars) > 8 else ""
        scripts = sorted({script_name(c) for c in chars} - {"Common", "Inherited"}) or ["Common"]
        language = ", ".join(f"'{lang}'" for lang in langs) or "unknown"
        super().__init__(
            f"page {page} of {pages} has characters that no installed font can draw, so "
            f"they would print as empty boxes: {shown}{more} ({', '.join(scripts)} "
            f"script, language {language})"
        )
        self.chars = chars
        packages = sorted({package_for(c) for c in chars})
        names = " ".join(packages)
        several = len(packages) > 1
        self.advice = (
            f"Install the fonts for this script: the Debian package{'s' if several else ''} "
            f"{names} ('make build' installs {'them' if several else 'it'} when it "
            f"may; otherwise ask your administrator to run: sudo apt-get install -y {names}), "
            "then build again"
        )


MAX_RESOURCE_BYTES = 20_000_000  # a print-quality photo is a few MB


# Names of the folders a render may read, in the order of ``allowed_roots``: the
# project, then the bundled theme (addresses.allowed_roots).
ROOT_NAMES = ("project", "theme")


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    """Loads what the one address policy allows, and notes every file it reads (name,
    SHA-256 of the bytes, status): what a PDF was made from (build/dependencies.py)."""

    def __init__(self, allowed_roots: Iterable[Path]) -> None:
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
        self.allowed_roots = tuple(root.resolve() for root in allowed_roots)
        self.refused: list[BlockedResource] = []
        self.read: dict[str, tuple[str, os.stat_result]] = {}

    def portable_name(self, path: Path) -> str | None:
        """``project:images/dot.png``: a file's name that does not say where the project is."""
        for index, root in enumerate(self.allowed_roots):
            if path.is_relative_to(root):
                return f"{ROOT_NAMES[min(index, 1)]}:{path.relative_to(root).as_posix()}"
        return None

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            return self._fetch(url, headers)
        except BlockedResource as exc:
            self.refused.append(exc)  # remembered even if WeasyPrint swallows it
            raise

    def _fetch(self, url: str, headers: dict[str, str] | None) -> URLFetcherResponse:
        if scheme_of(url) == "data":
            # Decoded here: WeasyPrint stops the whole build on a damaged data: address.
            decoded = decode_data_url(url)
            if isinstance(decoded, str):
                raise BlockedResource(url, decoded, code="bad-image")
            if not decoded.media_type.startswith("image/"):
                return super().fetch(url, headers)  # the theme's fonts and style sheets
            _refuse_bad_picture(url, decoded.media_type, decoded.data)
            return URLFetcherResponse(
                url, decoded.data, headers={"Content-Type": decoded.media_type}
            )
        found = loadable(url, self.allowed_roots)  # the one address policy
        if isinstance(found, str):
            raise BlockedResource(url, found)
        if found.status in ("missing", "not-a-file"):
            raise BlockedResource(url, "no such file", code="missing-resource")
        if not found.ok:
            raise BlockedResource(url, OUTSIDE)
        resolved = found.path
        with resolved.open("rb") as handle:
            status = os.fstat(handle.fileno())  # of the very file these bytes come from
            data = handle.read(MAX_RESOURCE_BYTES + 1)  # bounded, whatever the file says
        if len(data) > MAX_RESOURCE_BYTES:
            raise BlockedResource(
                url,
                f"the file is over {MAX_RESOURCE_BYTES // 1_000_000} MB; save a smaller "
                "copy (an image for print needs at most a few MB)",
            )
        content_type = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
        _refuse_bad_picture(url, content_type, data)
        name = self.portable_name(resolved)
        if name is not None:  # always, as the policy allowed it; recorded as it was read
            self.read[name] = (hashlib.sha256(data).hexdigest(), status)
        return URLFetcherResponse(url, data, headers={"Content-Type": content_type})


def _refuse_bad_picture(url: str, content_type: str, data: bytes) -> None:
    """The rules of render/images.py for every picture the render fetches, not only the ones
    checks/resources.py saw in a handout: the theme's pictures, pictures inside an SVG,
    a file changed since the check."""
    if not content_type.lower().startswith("image/"):
        return  # style sheets and fonts
    reason = image_problem(data)
    if reason is not None:
        raise BlockedResource(url, reason, code="bad-image")


# Left out when the stamp's words are looked for on a page: white space (a line may break
# between any two Chinese, Japanese or Korean characters, and those scripts do not
# separate words with spaces), soft hyphens, and the invisible joiners that only steer
# line breaking and shaping.
_INVISIBLE = re.compile(r"[\s\u00ad\u200b-\u200d\u2060\ufeff]+")


def normalize(text: str) -> str:
    """``text`` with white space and invisible characters removed, so that where a line
    happens to break never decides whether the stamp is found."""
    return _INVISIBLE.sub("", text)


def _texts(box: boxes.Box, skip_margins: bool) -> Iterator[str]:
    if skip_margins and isinstance(box, boxes.MarginBox):
        return
    if isinstance(box, boxes.TextBox):
        yield box.text
    if isinstance(box, boxes.ParentBox):
        for child in box.children:
            yield from _texts(child, skip_margins)


def page_texts(document: object, skip_margins: bool = False) -> list[str]:
    """The text laid out on each page (margin boxes included unless asked otherwise)."""
    pages: list[Any] = document.pages  # type: ignore[attr-defined]
    return [normalize("".join(_texts(page._page_box, skip_margins))) for page in pages]


def _boxes(box: boxes.Box) -> Iterator[boxes.Box]:
    yield box
    if isinstance(box, boxes.ParentBox):
        for child in box.children:
            yield from _boxes(child)


def verify_stamp_fits(document: object) -> None:
    """The header and footer in the page margins lie wholly on the paper: a footer that
    grows too tall (a long disclaimer, large print, a long crisis line) would otherwise
    be printed with its last lines cut off."""
    pages: list[Any] = document.pages  # type: ignore[attr-defined]
    for number, page in enumerate(pages, start=1):
        for margin in page._page_box.children:
            if not isinstance(margin, boxes.MarginBox):
                continue
            lines = [b for b in _boxes(margin) if isinstance(b, boxes.LineBox)]
            if not lines:
                continue
            top = min(line.position_y for line in lines)
            bottom = max(line.position_y + line.height for line in lines)
            beyond = max(-top, bottom - page.height)
            if beyond > 0.5:  # CSS pixels; rounding stays well under one
                side = "top" if top < 0 else "bottom"
                raise StampCutOff(
                    f"on page {number} of {len(pages)}, the stamp runs "
                    f"{beyond * 0.75:.0f} pt past the {side} edge of the paper, so part of "
                    "it would be cut off"
                )


# How far (in CSS pixels) a body box may reach past the page area before it counts as
# covering the margins: layout rounding stays well under it, a covered line of the
# stamp is ten times more.
COVER_TOLERANCE = 1.0

Rect = tuple[float, float, float, float]  # left, top, right, bottom in CSS pixels


def _rect(box: boxes.Box) -> Rect:
    left, top = box.border_box_x(), box.border_box_y()
    return left, top, left + box.border_width(), top + box.border_height()


def _painted(box: boxes.Box) -> Rect | None:
    """Where this box itself draws ink, or None when it draws nothing of its own.

    A box that only holds others (``<html>``, ``<main>``, a line) paints nothing: its
    height may take in the bottom margin of its last child, which is empty paper. Text,
    pictures, backgrounds (and shadows), borders and outlines do paint.
    """
    left, top, right, bottom = _rect(box)
    if right - left <= 0 or bottom - top <= 0:
        return None
    style = box.style
    outline = style["outline_width"] if style["outline_style"] != "none" else 0
    if outline:
        grow = outline + style["outline_offset"]
        return left - grow, top - grow, right + grow, bottom + grow
    if isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
        return left, top, right, bottom
    if getattr(box, "background", None) is not None:
        return left, top, right, bottom
    widths = (
        box.border_top_width,
        box.border_right_width,
        box.border_bottom_width,
        box.border_left_width,
    )
    if any(widths) or getattr(box, "border_image", None) is not None:
        return left, top, right, bottom
    return None


def _overlap(a: Rect, b: Rect) -> bool:
    tol = COVER_TOLERANCE
    return a[0] < b[2] - tol and b[0] < a[2] - tol and a[1] < b[3] - tol and b[1] < a[3] - tol


def _stamp_areas(page: Any) -> list[Rect]:
    """Where the stamp may be drawn on this page: the whole band of the top and bottom
    margins (header and footer live there, and may grow), and every margin box that
    holds something, wherever a theme puts it."""
    page_box = page._page_box
    top = page_box.content_box_y()
    bottom = top + page_box.height
    areas: list[Rect] = [
        (float("-inf"), float("-inf"), float("inf"), top),
        (float("-inf"), bottom, float("inf"), float("inf")),
    ]
    for margin in page_box.children:
        if isinstance(margin, boxes.MarginBox) and margin.children:
            areas.append(_rect(margin))
    return areas


def _describe(box: boxes.Box) -> str:
    tag = getattr(box, "element_tag", None)
    if isinstance(box, boxes.ReplacedBox):
        element = getattr(box, "element", None)
        source = (element.get("src") if element is not None else None) or ""
        if not isinstance(source, str) or not source or source.startswith("data:"):
            return "an embedded picture"
        return f"the picture {unquote(urlsplit(source).path).rsplit('/', 1)[-1]!r}"
    if isinstance(box, boxes.TextBox):
        return f"the text {box.text[:40]!r}"
    return f"a <{tag}> element" if tag else "a part of the body"


def _covering(box: boxes.Box, areas: list[Rect], line: Rect | None = None) -> boxes.Box | None:
    """The innermost body box under ``box`` that reaches into one of ``areas``.

    Text is taken to paint within the height of its line: a text box is as tall as its
    font's ascent and descent, which for the Chinese, Japanese and Korean fonts (and
    Arabic and Devanagari ones) is more than the line height, while the letters
    themselves stay inside the line.
    """
    if isinstance(box, boxes.MarginBox):
        return None  # the stamp itself
    if isinstance(box, boxes.LineBox):
        line = _rect(box)
    inner: boxes.Box | None = None
    if isinstance(box, boxes.ParentBox):
        for child in box.children:
            inner = _covering(child, areas, line)
            if inner is not None:
                return inner
    rect = _painted(box)
    if rect is not None and line is not None and isinstance(box, boxes.TextBox):
        rect = (rect[0], max(rect[1], line[1]), rect[2], min(rect[3], line[3]))
    if rect is not None and any(_overlap(rect, area) for area in areas):
        return box
    return None


def verify_stamp_uncovered(document: object) -> None:
    """No box of the body (pictures, tables, text, anything but the stamp's own margin
    boxes) is laid out over the page margins. The text check below only proves the
    stamp's words are on the page; a picture drawn over them would hide them."""
    pages: list[Any] = document.pages  # type: ignore[attr-defined]
    for number, page in enumerate(pages, start=1):
        areas = _stamp_areas(page)
        for child in page._page_box.children:
            found = _covering(child, areas)
            if found is not None:
                raise StampCovered(
                    f"on page {number} of {len(pages)}, {_describe(found)} reaches into the "
                    "page margin where the disclaimer and crisis line are printed, and "
                    "could hide them"
                )


def verify_stamp(document: object, stamp: Stamp) -> None:
    verify_stamp_fits(document)
    verify_stamp_uncovered(document)
    pages = page_texts(document)
    for number, text in enumerate(pages, start=1):
        for required in stamp.every_page:
            if normalize(required) not in text:
                raise StampMissing(f"page {number} of {len(pages)} does not show {required!r}")
    body = "".join(page_texts(document, skip_margins=True))
    for contact in stamp.in_body:
        if normalize(contact) not in body:
            raise StampMissing(f"the crisis box in the body does not list {contact!r}")


# Pango marks a character that no font in the fallback list can draw with this bit and
# the character's code point; glyph 0 is a font's own .notdef (its "missing" box).
_UNKNOWN_GLYPH = int(pango.PANGO_GLYPH_UNKNOWN_FLAG)
_EMPTY_GLYPH = int(pango.PANGO_GLYPH_EMPTY)


def _text_boxes(box: boxes.Box) -> Iterator[boxes.TextBox]:
    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, boxes.ParentBox):
        for child in box.children:
            yield from _text_boxes(child)


def _glyph_runs(box: boxes.TextBox) -> Iterator[tuple[Any, Any]]:
    """(Pango font, glyph item) of each run the box draws: its first Pango line, as
    WeasyPrint's ``draw_first_line`` draws it."""
    if not box.text.strip() or box.style["font_size"] < 1e-6:
        return  # WeasyPrint draws nothing for these
    layout = box.pango_layout
    # After layout WeasyPrint keeps only the text of each box (its Pango layout is let go
    # to save memory) and shapes it again when drawing; do the same here.
    layout.reactivate(box.style)
    try:
        line, _ = layout.get_first_line()
        run = line.runs
        while run != ffi.NULL:
            item = run.data
            run = run.next
            yield item.item.analysis.font, item
    finally:
        layout.deactivate()


def _missing_in(box: boxes.TextBox, fonts: dict[int, Any]) -> list[str]:
    """The characters of ``box`` drawn as a missing glyph; records each run's font."""
    missing: list[str] = []
    utf8: bytes | None = None
    for font, item in _glyph_runs(box):
        fonts.setdefault(int(ffi.cast("uintptr_t", font)), font)
        glyphs = item.glyphs
        for index in range(glyphs.num_glyphs):
            glyph = int(glyphs.glyphs[index].glyph)
            if glyph == _EMPTY_GLYPH:
                continue
            if glyph & _UNKNOWN_GLYPH:
                char = chr(glyph & ~_UNKNOWN_GLYPH)
                if not char.isspace():  # a space draws nothing, whatever the font
                    missing.append(char)
            elif glyph == 0:
                utf8 = utf8 or box.pango_layout.text.encode()
                start = item.item.offset + glyphs.log_clusters[index]
                missing.append(utf8[start:].decode(errors="ignore")[:1] or "\ufffd")
    return missing


def inspect_glyphs(document: object) -> tuple[MissingGlyph | None, list[Path]]:
    """Walk every glyph WeasyPrint will draw (body and page margins): the first page
    with a missing glyph as a ``MissingGlyph`` (or None), and the font files used."""
    pages: list[Any] = document.pages  # type: ignore[attr-defined]
    fonts: dict[int, Any] = {}
    problem: MissingGlyph | None = None
    for number, page in enumerate(pages, start=1):
        chars: dict[str, None] = {}
        langs: dict[str, None] = {}
        for box in _text_boxes(page._page_box):
            found = _missing_in(box, fonts)
            if found:
                chars.update(dict.fromkeys(found))
                langs[str(box.style["lang"] or "")] = None
        if chars and problem is None:
            problem = MissingGlyph(number, len(pages), list(chars), [x for x in langs if x])
    files = {font_file(address) for address in fonts}
    return problem, sorted(f for f in files if f is not None)


def fonts_used(document: object) -> list[Path]:
    """The font files the laid-out ``document`` is drawn with: part of what its PDF is
    made from (a font installed or updated changes the PDF)."""
    return inspect_glyphs(document)[1]


def verify_glyphs(document: object) -> list[Path]:
    """Refuse a document with a character no installed font can draw (``MissingGlyph``);
    the font files it uses otherwise."""
    problem, files = inspect_glyphs(document)
    if problem is not None:
        raise problem
    return files


_XREF_STREAM = re.compile(rb"\d+ 0 obj\n<</Type /XRef/")


def with_identifier(data: bytes, permanent: bytes) -> bytes | None:
    """``data`` with ``/ID [<permanent> <md5 of data>]`` in its trailer, or None when the
    file does not end in the cross-reference stream the PDF writer makes.

    The trailer is the dictionary of the last object, which starts at ``startxref``: the
    ID goes just inside it, so no object before it moves and the offsets stay right.
    """
    tail = data.rfind(b"startxref")
    if tail < 0:
        return None
    try:
        start = int(data[tail + len(b"startxref") :].split()[0])
    except (IndexError, ValueError):
        return None
    if not _XREF_STREAM.match(data, start):
        return None
    inside = data.index(b"<<", start) + 2
    changing = hashlib.md5(data, usedforsecurity=False).hexdigest().encode()
    entry = b"/ID [<" + permanent.hex().encode() + b"> <" + changing + b">]"
    return data[:inside] + entry + data[inside:]


class Rendered(NamedTuple):
    """A verified PDF: its bytes, its number of pages, the font files it was drawn with
    and the files the fetcher read (name, SHA-256, status): what it is made from."""

    data: bytes
    pages: int
    fonts: tuple[Path, ...]
    files: tuple[tuple[str, str, os.stat_result], ...] = ()


class Renderer:
    """One WeasyPrint setup, reused for many documents (fonts are configured once)."""

    def __init__(self, allowed_roots: Iterable[Path]) -> None:
        self.fetcher = SafeFetcher(allowed_roots)
        self.font_config = FontConfiguration()

    def render_pdf(
        self, html: str, base_url: str, stamp: Stamp, identifier: bytes = b"clinic-handouts"
    ) -> Rendered:
        """PDF bytes, page count and fonts; raises BlockedResource, StampMissing or
        MissingGlyph (no PDF is made then).

        ``identifier`` is the PDF's permanent ID: fixed per output (never random), so
        equal input gives equal bytes.
        """
        self.fetcher.refused.clear()
        self.fetcher.read.clear()
        images: dict[str, Any] = {}
        document = HTML(string=html, base_url=base_url, url_fetcher=self.fetcher).render(
            font_config=self.font_config,
            pdf_identifier=identifier,
            cache=images,
            # Honours an image's width and height attributes (print.css still keeps the
            # picture inside the page). The sanitizer lets no other presentational
            # attribute into a handout's body.
            presentational_hints=True,
        )
        # Glyphs first: with no font for its script a page has no real text to measure.
        fonts = verify_glyphs(document)
        verify_stamp(document, stamp)
        self._name_images(images)
        data = document.write_pdf(
            pdf_variant="pdf/ua-1",  # tagged, with /Lang, DisplayDocTitle and MarkInfo
            finisher=finish_structure,
        )
        assert isinstance(data, bytes)
        identified = with_identifier(data, identifier)
        if identified is None:  # a trailer this module does not know: let pydyf add the ID
            identified = document.write_pdf(
                pdf_identifier=identifier, pdf_variant="pdf/ua-1", finisher=finish_structure
            )
        assert isinstance(identified, bytes)
        if self.fetcher.refused:  # refused while drawing an SVG, where WeasyPrint hides it
            raise self.fetcher.refused[0]
        files = tuple((name, *found) for name, found in sorted(self.fetcher.read.items()))
        return Rendered(identified, len(document.pages), tuple(fonts), files)

    def _name_images(self, images: dict[str, Any]) -> None:
        """Name each picture in the PDF after its place in the project, not on this disk.

        WeasyPrint names an image after a hash of its full address, which includes the
        folder the project happens to be in; the same project built in another folder
        would then give other bytes.
        """
        for url, image in images.items():
            if isinstance(image, RasterImage):
                image.id = hashlib.md5(
                    self._portable(url).encode(), usedforsecurity=False
                ).hexdigest()

    def _portable(self, url: str) -> str:
        if url.startswith("file:"):
            path = Path(unquote(urlsplit(url).path)).resolve()
            return self.fetcher.portable_name(path) or url
        return url
