"""Markdown to a safe HTML fragment, with one configured converter and a raw-HTML policy.

The body of a handout is Markdown, never a template. Raw HTML is allowed only from a
small allowlist (formatting, tables, images); nh3 removes everything else from the
output, and every removal is reported with its line so nothing disappears silently:

- ``unsafe-html`` (error): active or fetching content (script, style, iframe, object,
  embed, link, meta, form parts, base) or an event attribute (onclick=...).
- ``unsupported-html`` (warning): anything else outside the allowlist (a style
  attribute, <font>, ...), dropped from the printed sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3

from clinic_handouts.errors import Problem, error, warning

EXTENSIONS = ["tables", "attr_list", "sane_lists", "admonition", "smarty", "toc"]
EXTENSION_CONFIGS = {"smarty": {"smart_angled_quotes": False}, "toc": {"permalink": False}}

ALLOWED_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
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
    "dl",
    "dt",
    "dd",
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
_ATTR_LIST_RE = re.compile(r"\{:?([^}]*)\}")
_ATTR_RE = re.compile(r"([A-Za-z_:][-\w:.]*)\s*=")


@dataclass(frozen=True)
class Markup:
    html: str
    problems: tuple[Problem, ...]


class _RawHtmlScanner(HTMLParser):
    """Finds raw HTML in Markdown source that the allowlist will remove, with lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []  # (line, kind, what)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if ":" in tag or "@" in tag:
            return  # a Markdown autolink (<https://...>, <name@example.org>), not HTML
        line = self.getpos()[0]
        if tag in UNSAFE_TAGS:
            self.found.append((line, "unsafe", f"<{tag}>"))
        elif tag not in ALLOWED_TAGS:
            self.found.append((line, "unsupported", f"<{tag}>"))
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())
        for name, _ in attrs:
            if name.startswith("on"):
                self.found.append((line, "unsafe", f"the {name} attribute on <{tag}>"))
            elif name not in allowed and tag in ALLOWED_TAGS:
                self.found.append((line, "unsupported", f"the {name} attribute on <{tag}>"))


def _scan(body: str, rel: str, first_line: int) -> list[Problem]:
    scanner = _RawHtmlScanner()
    scanner.feed(body)
    scanner.close()
    problems: list[Problem] = []
    for line, kind, what in scanner.found:
        problems.append(_report(rel, first_line + line - 1, kind, what))
    for offset, text in enumerate(body.split("\n")):
        for match in _ATTR_LIST_RE.finditer(text):
            for attr in _ATTR_RE.findall(match.group(1)):
                name = attr.lower()
                if name.startswith("on"):
                    problems.append(
                        _report(rel, first_line + offset, "unsafe", f"the {name} attribute")
                    )
                elif name not in ALLOWED_ATTRIBUTES["*"] | {"width", "height"}:
                    problems.append(
                        _report(rel, first_line + offset, "unsupported", f"the {name} attribute")
                    )
    return problems


def _report(rel: str, line: int, kind: str, what: str) -> Problem:
    if kind == "unsafe":
        return error(
            rel,
            line,
            "unsafe-html",
            f"{what} is not allowed in a handout (it can run code or load files); "
            "remove it. Write the text in Markdown instead",
        )
    return warning(
        rel,
        line,
        "unsupported-html",
        f"{what} is not supported and is left out of the printed sheet; "
        "use Markdown formatting instead",
    )


class _UrlCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (tag, name) in (("img", "src"), ("a", "href")):
                self.urls.append((tag, value.strip()))


def _line_mentioning(body: str, needle: str, first_line: int) -> int:
    for offset, text in enumerate(body.split("\n")):
        if needle in text:
            return first_line + offset
    return first_line


def _scheme_problems(raw_html: str, body: str, rel: str, first_line: int) -> list[Problem]:
    """URLs whose scheme the sanitizer would silently drop: report them instead."""
    collector = _UrlCollector()
    collector.feed(raw_html)
    problems = []
    for tag, url in collector.urls:
        match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", url)
        if not match:
            continue
        scheme = match.group(1).lower()
        if tag == "a" and scheme in URL_SCHEMES - {"data"}:
            continue  # a link is printed, never fetched
        if tag == "img" and scheme in {"http", "https", "data"}:
            continue  # data: is embedded; http(s) is refused by the fetcher with its line
        line = _line_mentioning(body, url, first_line)
        problems.append(
            error(
                rel,
                line,
                "blocked-resource",
                f"{url}: '{scheme}:' addresses are not allowed in a handout; "
                "put the file in the project folder and use a relative path",
            )
        )
    return problems


def to_html(body: str, rel: str, first_line: int) -> Markup:
    """Convert a handout body; ``first_line`` is the body's line number in its file."""
    converter = markdown.Markdown(
        extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
    )
    raw_html = converter.convert(body)
    clean = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    problems = _scan(body, rel, first_line) + _scheme_problems(raw_html, body, rel, first_line)
    return Markup(html=clean, problems=tuple(problems))
