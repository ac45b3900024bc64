"""Markdown to a safe HTML fragment, with one configured converter and a raw-HTML policy.

The body of a handout is Markdown, never a template. Before it is parsed, its shape is
checked (``text/limits.py``): text nested or marked up far beyond any real handout is a
``too-complex`` error and is not parsed at all.

Raw HTML policy. A handout comes from copy-paste, shared drives and the web, so raw HTML
in it is untrusted. nh3 (an allowlist sanitizer) removes everything outside the
allowlist from the output, and every removal is reported with its line, never silently:

- Allowed: formatting (p, headings, strong, em, sup, sub, mark...), lists, tables, block
  quotes, div/span, figure, links and images. Attributes: class, id, lang, dir, title on
  any element; href on links; src, alt, width, height on images; table spans and scope;
  the start of a numbered list.
- ``class`` and ``id`` are allowed because Markdown itself makes them (call-out boxes are
  ``<div class="admonition note">``, headings get ids for in-page links, ``{: .class }``
  sets them), and they only select the theme's own print CSS, which cannot load anything
  a handout chooses. The names the theme itself uses are the exception
  (``reserved.py`` reads them from the theme's templates and stylesheets, the
  project's own included, and always reserves ``stamp-...``): with one, a handout could
  make a box that looks exactly like the real crisis box with a made-up number, print
  "Page 1 of 1" in its body, or take the place of the disclaimer and crisis line.
  Using one is ``unsafe-html`` and the name is removed. A heading whose text would give
  it a theme's id (``## Crisis resources``) gets ``section-crisis-resources`` instead.
- Links (``<a href>``) are printed, never fetched: http, https, mailto and tel addresses
  and links within the page (``#tips``) are kept. A relative link to a file keeps its
  words but loses its address: WeasyPrint would turn it into a ``file://`` address on
  the computer that made the PDF (checks/resources.py says so, as ``local-link``).
  ``javascript:``, ``data:``, ``file:`` and every other scheme (however written: upper
  case, with tabs or entities) is ``blocked-resource`` and the address is removed.
- Images (``<img src>``) are embedded: a relative path to a file inside the project
  (``SafeFetcher`` in render/pdf.py checks it when the PDF is made: inside the project, not
  through a link out of it, at most ``MAX_RESOURCE_BYTES``), or a ``data:image/...``
  address, whose size the 1 MB limit on the handout file bounds. A network address,
  ``file:``, an absolute path or ``//host/...`` is ``blocked-resource``.
- An address anywhere else that a renderer would load (``srcset``, ``style="...url()"``,
  ``@import`` in a ``<style>``, ``<link href>``, ``<iframe src>``, ``<object data>``,
  SVG ``href``, ``poster``, ``background``) is ``blocked-resource`` when it points at
  the network or outside the project, and its element or attribute is removed too.
- ``unsafe-html`` (error): active or fetching content (script, style, iframe, object,
  embed, link, meta, base, forms, frames, svg, math, audio, video, template, noscript),
  an event attribute (``onclick=``...), ``rel="attachment"`` (it would put a file inside
  the PDF) and the theme's reserved names.
- ``unsupported-html`` (warning): anything else outside the allowlist (a ``style``
  attribute, ``<font>``, ``<center>``...), left out of the printed sheet; its text stays.
- ``too-complex`` (error): elements nested more than ``MAX_HTML_DEPTH`` deep (WeasyPrint
  lays boxes out recursively) or a ``colspan``/``rowspan`` over ``MAX_SPAN``.
- HTML comments are notes for editors: they are removed and not reported.

Problems are found in the HTML that Markdown produced (what would be printed), not in
the Markdown source: text in code spans and blocks, which Markdown escapes, is never
mistaken for HTML, and ``{: onclick=... }`` is seen as the attribute it becomes. Each
is then located in the source by searching for the text of the tag or address.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3

from clinic_handouts.addresses import normalize_url, refusal, scheme_of
from clinic_handouts.errors import Problem, error, warning
from clinic_handouts.project.reserved import ReservedNames, bundled
from clinic_handouts.text.limits import MAX_HTML_DEPTH, MAX_SPAN, check_body, too_complex
from clinic_handouts.text.tags import HEADINGS, LISTS, TABLE_PARTS

EXTENSIONS = ["tables", "attr_list", "sane_lists", "admonition", "smarty", "toc"]
EXTENSION_CONFIGS: dict[str, dict[str, object]] = {
    "smarty": {"smart_angled_quotes": False},
    "toc": {"permalink": False},
}

ALLOWED_TAGS = {
    "p",
    *HEADINGS,
    *LISTS,
    *TABLE_PARTS,
    "strong",
    "em",
    "b",
    "i",
    "a",
    "img",
    "blockquote",
    "div",
    "span",
    "br",
    "hr",
    "code",
    "pre",
    "sup",
    "sub",
    "abbr",
    "figure",
    "figcaption",
    "small",
    "mark",
    "u",
    "s",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
}
# nh3 keeps data: for images; link schemes are narrowed further by _keep_attribute.
URL_SCHEMES = {"http", "https", "mailto", "tel", "data"}
UNSAFE_TAGS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "frame",
    "frameset",
    "applet",
    "svg",
    "math",
    "video",
    "audio",
    "source",
    "track",
    "portal",
    "template",
    "noscript",
}
# Attributes whose value is an address a renderer would load (not a link to follow).
LOADING_ATTRIBUTES = {
    "src",
    "srcset",
    "data",
    "poster",
    "background",
    "href",  # on anything but <a>: <link>, SVG <image>/<use>, <base>...
    "xlink:href",
    "lowsrc",
    "dynsrc",
    "codebase",
    "archive",
    "action",
    "formaction",
    "manifest",
    "content",  # <meta http-equiv="refresh" content="0;url=...">
}
VOID_TAGS = {"br", "hr", "img", "wbr", "area", "base", "col", "embed", "input", "link", "meta"}

_CSS_URL_RE = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)
_URL_IN_CONTENT_RE = re.compile(r"url\s*=\s*['\"]?([^'\";\s]+)", re.IGNORECASE)


@dataclass(frozen=True)
class BodyHtml:
    """A handout's Markdown body as ``to_html`` converted it: the safe HTML the page prints,
    and what the conversion found (each removal, with its line). checks/cache.py keeps it
    between builds."""

    html: str  # "" when the body was refused: too complex to read
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class _Finding:
    kind: str  # "unsafe", "unsupported", "blocked", "complex"
    message: str
    needles: tuple[str, ...]  # texts to look for in the source, best first


def css_urls(css: str) -> list[str]:
    """Addresses in CSS text: ``url(...)`` and ``@import "..."``."""
    return [next(g for g in match.groups() if g is not None) for match in _CSS_URL_RE.finditer(css)]


_UNSAFE = "is not allowed in a handout (it can run code or load files); remove it"
_RUNS_CODE = "is not allowed in a handout (it can run code); remove it"
_ATTACHES = "on a link is not allowed in a handout (it would put a file inside the PDF); remove it"
_RESERVED = (
    "is reserved for the theme (with it a handout could imitate the crisis box, the page "
    "stamp or the page numbers); remove it"
)
_TOO_BIG = f"is too large; a table cell spans at most {MAX_SPAN} columns or rows"
_UNSUPPORTED = (
    "is not supported and is left out of the printed sheet; use Markdown formatting instead"
)


class _Scanner(HTMLParser):
    """Everything in Markdown's HTML output that the policy removes or refuses."""

    def __init__(self, reserved: ReservedNames) -> None:
        super().__init__(convert_charrefs=True)
        self.reserved = reserved
        self.findings: list[_Finding] = []
        self._in_style = False
        self._unsafe_open: list[str] = []

    def _add(self, kind: str, message: str, *needles: str) -> None:
        self.findings.append(_Finding(kind, message, tuple(n for n in needles if n)))

    def _blocked(self, url: str, reason: str, tag_text: str) -> None:
        self._add("blocked", f"{url}: {reason}", url, tag_text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        text = self.get_starttag_text() or f"<{tag}"
        first = text.split("\n", 1)[0]
        self._in_style = tag == "style"
        # Inside a refused element (an <svg>, a <form>) only what matters on its own is
        # reported: addresses and event attributes, not each unsupported child.
        quiet = bool(self._unsafe_open)
        if tag in UNSAFE_TAGS:
            self._add("unsafe", f"<{tag}> {_UNSAFE}", first, f"<{tag}")
            if tag not in VOID_TAGS:
                self._unsafe_open.append(tag)
        elif tag not in ALLOWED_TAGS and not quiet:
            self._add("unsupported", f"<{tag}> {_UNSUPPORTED}", first, f"<{tag}")
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())
        for name, raw_value in attrs:
            value = raw_value or ""
            what = f"the {name} attribute on <{tag}>"
            blocked = self._addresses(tag, name, value, first)
            if name.startswith("on"):
                self._add("unsafe", f"{what} {_RUNS_CODE}", f"{name}=", first)
            elif tag == "a" and name == "rel" and "attachment" in value.lower().split():
                self._add("unsafe", f'rel="attachment" {_ATTACHES}', "attachment", first)
            elif name in {"class", "id"} and self.reserved.clashes(name, value):
                self._add("unsafe", f'{name}="{value}" {_RESERVED}', value, first)
            elif name in {"colspan", "rowspan"} and _too_big(value):
                self._add("complex", f'{name}="{value}" {_TOO_BIG}', f"{name}=", first)
            elif name not in allowed and tag in ALLOWED_TAGS and not blocked and not quiet:
                self._add("unsupported", f"{what} {_UNSUPPORTED}", f"{name}=", first)

    def _addresses(self, tag: str, name: str, value: str, tag_text: str) -> bool:
        """Report addresses this attribute would load; True if any was refused."""
        if tag == "a" and name == "href":
            reason = refusal(value, link=True)
            if reason:
                self._blocked(normalize_url(value), reason, tag_text)
            return bool(reason)
        if tag == "img" and name == "src":
            # checks/resources.py reports network addresses and paths of images, with
            # advice for each case; it leaves other schemes (file:, javascript:) to us.
            reason = refusal(value)
            scheme = scheme_of(value)
            if reason and scheme and scheme not in ("http", "https"):
                self._blocked(normalize_url(value), reason, tag_text)
            return bool(reason)
        if name == "style":
            urls = css_urls(value)
        elif name == "srcset":
            urls = [part.split()[0] for part in value.split(",") if part.split()]
        elif name == "content":
            urls = _URL_IN_CONTENT_RE.findall(value)
        elif name in LOADING_ATTRIBUTES:
            urls = [value]
        else:
            return False
        refused = False
        for url in urls:
            reason = refusal(url)
            if reason:
                self._blocked(normalize_url(url), reason, tag_text)
                refused = True
        return refused

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if self._unsafe_open and self._unsafe_open[-1] == tag:
            self._unsafe_open.pop()

    def handle_data(self, data: str) -> None:
        if self._in_style:  # the <style> itself is reported; name what it would load
            for url in css_urls(data):
                reason = refusal(url)
                if reason:
                    self._blocked(normalize_url(url), reason, "@import")


def _too_big(value: str) -> bool:
    digits = value.strip()
    return digits.isdigit() and int(digits[:9]) > MAX_SPAN


def _local_file(url: str) -> bool:
    """A relative address of a file (not a place in this page: ``#tips``)."""
    clean = normalize_url(url)
    return bool(clean) and not clean.startswith("#") and not scheme_of(clean)


def _keep_attribute(reserved: ReservedNames, tag: str, name: str, value: str) -> str | None:
    """nh3's last word on each allowed attribute (defence in depth: anything it drops
    here has already been reported by _Scanner)."""
    if name in {"class", "id"}:
        kept = " ".join(v for v in value.split() if not reserved.reserved(name, v))
        return kept or None
    if tag == "a" and name == "href" and (refusal(value, link=True) or _local_file(value)):
        return None
    if tag == "img" and name == "src" and refusal(value):
        return None  # SafeFetcher would refuse it too; never hand it to the renderer
    if name in {"colspan", "rowspan"} and _too_big(value):
        return str(MAX_SPAN)
    return value


class _Depth(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_TAGS:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID_TAGS:
            self.depth -= 1


@dataclass
class _Locator:
    """Finds the source line of each finding; a cursor keeps repeated tags in order."""

    body: str
    first_line: int
    cursor: int = 0
    folded: str = field(init=False)

    def __post_init__(self) -> None:
        self.folded = self.body.lower()

    def line(self, needles: tuple[str, ...]) -> int:
        for needle in needles:
            wanted = needle.lower()
            index = self.folded.find(wanted, self.cursor)
            if index < 0:
                index = self.folded.find(wanted)
            if index >= 0:
                self.cursor = index
                return self.first_line + self.body.count("\n", 0, index)
        return self.first_line


def _problem(rel: str, line: int, finding: _Finding) -> Problem:
    if finding.kind == "unsafe":
        return error(
            rel, line, "unsafe-html", f"{finding.message}. Write the text in Markdown instead"
        )
    if finding.kind == "blocked":
        return error(rel, line, "blocked-resource", finding.message)
    if finding.kind == "complex":
        return too_complex(rel, line, finding.message)
    return warning(rel, line, "unsupported-html", finding.message)


def _heading_ids(reserved: ReservedNames) -> Callable[[str, str], str]:
    """Markdown's ids for headings, never one of the theme's: the author did not choose
    it, so it is renamed rather than reported."""
    from markdown.extensions.toc import slugify

    def heading_id(value: str, separator: str) -> str:
        slug = slugify(value, separator)
        while reserved.reserved("id", slug):
            slug = f"section{separator}{slug}"
        return slug

    return heading_id


def to_html(
    body: str, rel: str, first_line: int, reserved: ReservedNames | None = None
) -> BodyHtml:
    """Convert a handout body; ``first_line`` is the body's line number in its file.
    ``reserved``: the project theme's names (``reserved.for_theme``); the bundled
    theme's when not given."""
    refused = check_body(body, rel, first_line)
    if refused:
        return BodyHtml(html="", problems=tuple(refused))
    import markdown  # only when converting: a build with nothing new reuses check_cache

    names = bundled() if reserved is None else reserved
    configs = {**EXTENSION_CONFIGS, "toc": {**EXTENSION_CONFIGS["toc"]}}
    configs["toc"]["slugify"] = _heading_ids(names)
    converter = markdown.Markdown(
        extensions=EXTENSIONS, extension_configs=configs, output_format="html"
    )
    try:
        raw_html = converter.convert(body)
    except RecursionError:  # a shape text/limits.py does not foresee: still a message
        message = "the text is nested too deeply to read; use fewer levels of lists and quotes"
        return BodyHtml(html="", problems=(too_complex(rel, 0, message),))
    clean = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=functools.partial(_keep_attribute, names),
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    scanner = _Scanner(names)
    scanner.feed(raw_html)
    scanner.close()
    locator = _Locator(body, first_line)
    problems = [_problem(rel, locator.line(f.needles), f) for f in scanner.findings]
    depth = _Depth()
    depth.feed(clean)
    depth.close()
    if depth.deepest > MAX_HTML_DEPTH:
        problems.append(
            too_complex(
                rel,
                0,
                f"the text has elements nested {depth.deepest} levels deep (HTML, lists "
                f"or quotes inside each other); a printed sheet takes at most "
                f"{MAX_HTML_DEPTH}. Use fewer levels",
            )
        )
        clean = ""
    return BodyHtml(html=clean, problems=tuple(problems))
