"""Pictures judged before any render: decoded with bounds, or refused with a reason.

A picture in a handout comes from a phone, a shared drive or the web, and the renderer
trusts it: WeasyPrint drops a picture it cannot read without a word (a handout then goes
to the rack without its diagram), stops the whole build on a damaged ``data:`` address,
allocates whatever size a PNG header claims, and draws every ``<use>`` of an SVG however
often it is repeated (a 1.7 KB file took 851 s and 1.4 GB). So every picture is read here
first, by the same rules for a handout's own pictures (checks/resources.py, each refusal a
``bad-image`` problem at its line) and for whatever the render fetches (render/pdf.py's fetcher:
the theme's CSS, a picture inside an SVG, a file changed since the check):

- At most ``MAX_IMAGE_BYTES`` of data.
- Raster pictures (Pillow, what WeasyPrint itself uses): the size is read from the header
  and refused over ``MAX_IMAGE_PIXELS`` before any pixel is decoded (a decompression
  bomb is never allocated), then ``verify()`` checks the file's structure and ``load()``
  decodes every pixel, so a truncated file is found here and not in the PDF.
- SVG (anything that starts like XML: WeasyPrint reads such a file as SVG whatever its
  name): parsed by expat with every entity declaration refused (no XXE, no billion
  laughs), at most ``MAX_SVG_ELEMENTS`` elements, ``MAX_SVG_DEPTH`` deep, and at most
  ``MAX_SVG_DRAWN`` elements once every reference to another element (``<use>``,
  ``href``, ``url(#...)``) is expanded, the way the renderer would draw them; a
  reference loop is refused too.
- ``data:`` addresses are decoded here (``decode_data_url``) so a damaged one is a
  problem with its line, not a crash of the render.

Every function returns the reason a person can act on, or ``None`` for a good picture;
nothing here raises on bad input.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes
from xml.parsers import expat

# The same bound as the render's fetcher (pdf.MAX_RESOURCE_BYTES): a print photo is a few MB.
MAX_IMAGE_BYTES = 20_000_000
# A full letter page at 300 dpi is about 9 million pixels; a 48-megapixel phone photo
# still passes. Decoding the largest allowed picture takes about 200 MB.
MAX_IMAGE_PIXELS = 50_000_000
# Real diagrams and icons have hundreds to a few thousand elements.
MAX_SVG_ELEMENTS = 30_000
MAX_SVG_DEPTH = 100  # WeasyPrint draws SVG recursively
# Elements drawn once every reference is expanded (each <use> counts, and what it draws).
# A 9-level tree of 10 <use> each is 10^9 (the 1.7 KB file of issue 19). WeasyPrint draws
# about 7,000 such elements a second, so this is a few seconds at most; a real diagram
# that reuses a symbol draws it a few hundred times.
MAX_SVG_DRAWN = 30_000

FIX = "open it in an image editor and save it again as PNG, JPEG or SVG, then build again"
_REFERENCE = re.compile(r"url\(\s*['\"]?#([^)'\"\s]+)")


@dataclass(frozen=True)
class DataUrl:
    """A ``data:`` address decoded (``decode_data_url``): the media type it states and its
    bytes. The resource check and the render's fetcher read a picture written into a
    handout this way."""

    media_type: str  # as the address states it: "image/png"
    data: bytes


def decode_data_url(url: str) -> DataUrl | str:
    """The bytes of a ``data:`` address, or why it cannot be read."""
    head, comma, payload = url.partition(",")
    if not comma:
        return "this data: address has no picture in it (the comma and the data are missing)"
    params = head[5:].strip().lower().split(";")
    media_type = params[0].strip() or "text/plain"
    if len(payload) > MAX_IMAGE_BYTES * 2:
        return f"this picture is over {MAX_IMAGE_BYTES // 1_000_000} MB; save a smaller copy"
    raw = unquote_to_bytes(payload)
    if "base64" in (p.strip() for p in params[1:]):
        try:
            raw = base64.b64decode(b"".join(raw.split()), validate=True)
        except (binascii.Error, ValueError):
            return "the picture's data: address is damaged (it is not valid base64)"
    return DataUrl(media_type, raw)


def looks_like_svg(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<")


def image_problem(data: bytes) -> str | None:
    """Why this picture cannot be printed safely, or None."""
    if not data:
        return f"the picture file is empty; {FIX}"
    if len(data) > MAX_IMAGE_BYTES:
        return (
            f"the picture is over {MAX_IMAGE_BYTES // 1_000_000} MB; save a smaller copy "
            "(a picture for print needs at most a few MB)"
        )
    if looks_like_svg(data):
        return svg_problem(data)
    return raster_problem(data)


def raster_problem(data: bytes) -> str | None:
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        # Pillow warns (or raises) about big pictures by its own global limit; the limit
        # here is ours, checked before any pixel is decoded.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > MAX_IMAGE_PIXELS:
                    return _too_many_pixels(width, height)
                probe.verify()
            with Image.open(io.BytesIO(data)) as picture:
                picture.load()
        except Image.DecompressionBombError:
            return _too_many_pixels(0, 0)
        except UnidentifiedImageError:
            return f"this file is not a picture the printer can read (PNG, JPEG, SVG...); {FIX}"
        except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
            # Pillow's words for damaged data: truncated, bad checksum, broken header.
            return f"the picture is damaged (cut short or corrupted) and cannot be printed; {FIX}"
    return None


def _too_many_pixels(width: int, height: int) -> str:
    size = f" ({width:,} x {height:,} pixels)" if width else ""
    return (
        f"the picture is far too large{size}; a printed page needs at most about 3,000 x "
        "3,000 pixels. Save a smaller copy"
    )


class _Refused(Exception):
    """Raised inside the expat handlers to stop at the first thing refused."""


@dataclass
class _Node:
    children: list[_Node] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # ids this element draws again


class _SvgReader:
    """Builds a light tree (children, references, ids) while expat parses."""

    def __init__(self) -> None:
        self.root = _Node()
        self.stack = [self.root]
        self.ids: dict[str, _Node] = {}
        self.count = 0
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.EntityDeclHandler = self._entity
        parser.ExternalEntityRefHandler = self._external
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        self.parser = parser

    def _entity(self, name: str, *rest: object) -> None:
        raise _Refused(
            f"the SVG declares an entity ('{name}'), which can make it load files or grow "
            f"without end; {FIX}"
        )

    def _external(self, *args: object) -> int:
        raise _Refused(f"the SVG refers to an external entity, which could load files; {FIX}")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.count += 1
        if self.count > MAX_SVG_ELEMENTS:
            raise _Refused(
                f"the SVG has more than {MAX_SVG_ELEMENTS:,} elements; simplify it or save "
                "it as PNG"
            )
        if len(self.stack) > MAX_SVG_DEPTH:
            raise _Refused(
                f"the SVG nests elements more than {MAX_SVG_DEPTH} deep; simplify it or "
                "save it as PNG"
            )
        node = _Node()
        for key, value in attrs.items():
            local = key.rsplit(" ", 1)[-1]
            if local == "id":
                self.ids.setdefault(value.strip(), node)
            elif local == "href" and value.strip().startswith("#"):
                node.references.append(value.strip()[1:])
            node.references.extend(_REFERENCE.findall(value))
        self.stack[-1].children.append(node)
        self.stack.append(node)

    def _end(self, name: str) -> None:
        self.stack.pop()


def svg_problem(data: bytes) -> str | None:
    reader = _SvgReader()
    try:
        reader.parser.Parse(data, True)
    except _Refused as refused:
        return str(refused)
    except expat.ExpatError as exc:
        why = expat.ErrorString(exc.code)
        return f"the SVG is not well-formed XML ({why}, line {exc.lineno}); {FIX}"
    if reader.count == 0:
        return f"the SVG has no elements; {FIX}"
    return _amplification_problem(reader)


def _amplification_problem(reader: _SvgReader) -> str | None:
    """How many elements the renderer draws once references are expanded, bounded."""
    drawn: dict[int, int] = {}  # id(node) -> elements drawn for it, capped
    visiting: set[int] = set()

    def weight(node: _Node) -> int:
        key = id(node)
        if key in drawn:
            return drawn[key]
        if key in visiting:
            raise _Refused(f"the SVG has an element that refers to itself (a loop); {FIX}")
        visiting.add(key)
        total = 1
        # Iterative over children would be nicer, but depth is bounded by MAX_SVG_DEPTH
        # and the chain of references by the number of ids, each visited once.
        for child in node.children:
            total = min(total + weight(child), MAX_SVG_DRAWN + 1)
        for target in node.references:
            if target in reader.ids:
                total = min(total + weight(reader.ids[target]), MAX_SVG_DRAWN + 1)
        visiting.discard(key)
        drawn[key] = total
        return total

    try:
        total = weight(reader.root)  # one more than the SVG (the synthetic root): harmless
    except _Refused as refused:
        return str(refused)
    except RecursionError:
        return f"the SVG's references to other elements are nested too deeply; {FIX}"
    if total > MAX_SVG_DRAWN:
        return (
            f"the SVG repeats its elements (with <use> or references) more than "
            f"{MAX_SVG_DRAWN:,} times in all, which would take the printer hours to draw; "
            "simplify it or save it as PNG"
        )
    return None
