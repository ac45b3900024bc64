"""The class and id names a handout may not use: every name the theme's handout uses.

A handout's raw HTML may carry ``class`` and ``id`` (text/markdown.py), and those select the
theme's print CSS. If a handout could use the theme's own names, it could make a box
that looks exactly like the real crisis box (``<div class="crisis-box">`` with a made-up
number) or print "Page 1 of 1" in the body (``class="page-number"``). So every name
the theme uses is reserved, read from the theme itself rather than from a list kept by
hand, so a class added to the theme tomorrow is reserved tomorrow:

- the templates a handout is made from (``handout.html`` and every template it extends,
  includes or imports, the project's own first): each ``class="..."`` and ``id="..."``
  and the CSS in their ``<style>`` blocks. A name built by Jinja
  (``class="variant-{{ ... }}"``) reserves the written part as a prefix (``variant-``);
- the stylesheets a handout loads (``print.css`` and each edition's stylesheet, the
  project's own first, and the files they ``@import``): every ``.class`` and ``#id`` in a
  selector, and ``[class^=...]``-style attribute selectors;
- names starting with ``stamp-``, always (the page stamp's, present and future).

Names that Markdown itself writes for a handout's own content are not reserved (that
would make ``!!! warning`` an error): ``admonition`` and ``admonition-title``, and a
class the stylesheets use only beside ``.admonition`` (``.admonition.warning``), which
is the kind of call-out the author asked for.

The catalogue's template and stylesheet are another page, where a handout's body never
appears, so their names are not reserved.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tinycss2

if TYPE_CHECKING:  # project/theme.py imports text/markdown.py, which imports this module
    from clinic_handouts.project.theme import Theme

STAMP_PREFIX = "stamp-"  # the page stamp: base.html, print.css
HANDOUT_TEMPLATE = "handout.html"  # render.TEMPLATE (not imported: render imports markup)
BASE_STYLESHEET = "print.css"
# What Markdown's admonition extension writes for "!!! note": content, not theme.
MARKDOWN_CLASSES = frozenset({"admonition", "admonition-title"})
ADMONITION = "admonition"


@dataclass(frozen=True)
class ReservedNames:
    """Class and id names (exact, or by how they start) that belong to the theme."""

    classes: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = (STAMP_PREFIX,)  # for classes and ids alike
    fragments: tuple[str, ...] = ()  # [class*="x"]: any name containing x
    digest: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        parts = (sorted(self.classes), sorted(self.ids), self.prefixes, self.fragments)
        text = "\1".join("\0".join(part) for part in parts)
        object.__setattr__(self, "digest", hashlib.sha256(text.encode()).hexdigest())

    def reserved(self, attribute: str, name: str) -> bool:
        """Whether ``name`` in a ``class`` or ``id`` attribute belongs to the theme."""
        exact = self.ids if attribute == "id" else self.classes
        return (
            name in exact
            or name.startswith(self.prefixes)
            or any(part in name for part in self.fragments)
        )

    def clashes(self, attribute: str, value: str) -> list[str]:
        """The names in this attribute's value that belong to the theme."""
        return [name for name in value.split() if self.reserved(attribute, name)]


@dataclass
class _Found:
    """The names gathered so far while the templates and stylesheets are read; ``names``
    turns them into the answer."""

    classes: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)  # [class^=x], class="x{{ ... }}"
    fragments: set[str] = field(default_factory=set)  # [class*=x], [class$=x]

    def names(self) -> ReservedNames:
        classes = self.classes - MARKDOWN_CLASSES
        return ReservedNames(
            classes=frozenset(classes),
            ids=frozenset(self.ids),
            prefixes=tuple(sorted({STAMP_PREFIX, *self.prefixes})),
            fragments=tuple(sorted(self.fragments)),
        )


# CSS -------------------------------------------------------------------------------
_COMBINATORS = {",", ">", "+", "~"}
_GROUPING_RULES = {"media", "supports", "layer", "container", "document", "scope"}


def _compounds(tokens: Sequence[Any]) -> Iterator[list[Any]]:
    """A selector's tokens split into compound selectors (``a.b`` in ``a.b > .c``)."""
    current: list[Any] = []
    for token in tokens:
        if token.type in ("whitespace", "comment") or (
            token.type == "literal" and token.value in _COMBINATORS
        ):
            if current:
                yield current
            current = []
        else:
            current.append(token)
    if current:
        yield current


def _attribute_selector(tokens: Sequence[Any], found: _Found) -> None:
    """``[class="x"]``, ``[id^="x"]`` and friends."""
    parts = [t for t in tokens if t.type not in ("whitespace", "comment")]
    if len(parts) < 3 or parts[0].type != "ident":
        return
    attribute = parts[0].lower_value
    if attribute not in ("class", "id"):
        return
    operator = "".join(t.value for t in parts[1:-1] if t.type == "literal")
    value = parts[-1].value if parts[-1].type in ("string", "ident") else None
    if not value:
        return
    if operator in ("=", "~="):
        for name in value.split():
            (found.ids if attribute == "id" else found.classes).add(name)
    elif operator in ("^=", "|="):
        found.prefixes.add(value)
    elif operator in ("*=", "$="):
        found.fragments.add(value)


def _selector(tokens: Sequence[Any], found: _Found) -> None:
    for compound in _compounds(tokens):
        classes: list[str] = []
        previous: Any = None
        for token in compound:
            if token.type == "ident" and previous is not None and previous.type == "literal":
                if previous.value == ".":
                    classes.append(token.value)
            elif token.type == "hash" and token.is_identifier:
                found.ids.add(token.value)
            elif token.type == "[] block":
                _attribute_selector(token.content, found)
            elif token.type == "function":  # :not(.x), :is(#a, .b)
                _selector(token.arguments, found)
            previous = token
        # ``.admonition.warning`` styles the call-out an author asks for with "!!! warning":
        # those classes stay the author's, unless the theme also uses them on their own.
        if ADMONITION not in classes:
            found.classes.update(classes)


def _css(text: str, found: _Found) -> list[str]:
    """Record the names in a stylesheet; return the addresses it ``@import``s."""
    imports: list[str] = []

    def visit(rules: Iterable[Any]) -> None:
        for rule in rules:
            if rule.type == "qualified-rule":
                _selector(rule.prelude, found)
            elif rule.type == "at-rule":
                if rule.lower_at_keyword == "import":
                    for token in rule.prelude:
                        if token.type in ("string", "url"):
                            imports.append(token.value)
                            break
                elif rule.lower_at_keyword in _GROUPING_RULES and rule.content is not None:
                    visit(tinycss2.parse_rule_list(rule.content, True, True))

    visit(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))
    return imports


# Templates -------------------------------------------------------------------------
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_JINJA_STATEMENT = re.compile(r"\{%.*?%\}", re.DOTALL)
_JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_ATTRIBUTE = re.compile(r"""\b(class|id)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_DYNAMIC = "\0"


def _template(text: str, found: _Found) -> None:
    text = _JINJA_COMMENT.sub("", text)
    for css in _STYLE_BLOCK.findall(text):
        _css(css, found)
    for match in _ATTRIBUTE.finditer(text):
        attribute = match.group(1).lower()
        value = match.group(2) if match.group(2) is not None else match.group(3)
        value = _JINJA_EXPRESSION.sub(_DYNAMIC, _JINJA_STATEMENT.sub(" ", value))
        for name in value.split():
            if _DYNAMIC in name:
                written = name.split(_DYNAMIC, 1)[0]
                if written:  # a name Jinja completes: reserve how it starts
                    found.prefixes.add(written)
            else:
                (found.ids if attribute == "id" else found.classes).add(name)


def _first(folders: Sequence[Path], name: str) -> Path | None:
    for folder in folders:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""  # an unreadable theme file fails the render itself, with its name


def _templates(
    template_dirs: Sequence[Path], found: _Found, starts: Iterable[str] = (HANDOUT_TEMPLATE,)
) -> None:
    """``handout.html`` (and each edition's own template, like ``trifold.html``) and every
    template they reach, as Jinja would find them."""
    import jinja2
    from jinja2 import meta

    env = jinja2.Environment()
    todo, seen = list(starts), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _first(template_dirs, name)
        if path is None:
            continue
        text = _read(path)
        _template(text, found)
        try:
            referenced = meta.find_referenced_templates(env.parse(text))
        except jinja2.TemplateSyntaxError:
            continue  # the render reports the template's mistake with its line
        todo.extend(ref for ref in referenced if ref is not None)


def _stylesheets(style_dirs: Sequence[Path], sheets: Iterable[str], found: _Found) -> None:
    todo = [path for name in sheets if (path := _first(style_dirs, name)) is not None]
    seen: set[Path] = set()
    while todo:
        path = todo.pop().resolve()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        for address in _css(_read(path), found):
            if ":" not in address:  # a file beside it; theme_check refuses the rest
                todo.append(path.parent / address.split("?", 1)[0].split("#", 1)[0])


def theme_names(
    template_dirs: Sequence[Path],
    style_dirs: Sequence[Path],
    stylesheets: Iterable[str],
    templates: Iterable[str] = (HANDOUT_TEMPLATE,),
) -> ReservedNames:
    """Every name the handout's ``templates`` and ``stylesheets`` use; the project's own
    folders come first, as when rendering."""
    found = _Found()
    _templates(template_dirs, found, templates)
    _stylesheets(style_dirs, [BASE_STYLESHEET, *stylesheets], found)
    return found.names()


def for_theme(theme: Theme) -> ReservedNames:
    """The names a project's theme reserves (its own folders first), for every edition."""
    return for_theme_dirs(theme.template_dirs, theme.style_dirs)


def for_theme_dirs(template_dirs: Sequence[Path], style_dirs: Sequence[Path]) -> ReservedNames:
    from clinic_handouts.project.editions import VARIANTS

    sheets = [v.stylesheet for v in VARIANTS if v.stylesheet]
    templates = dict.fromkeys([HANDOUT_TEMPLATE, *(v.template for v in VARIANTS)])
    return theme_names(template_dirs, style_dirs, sheets, templates)


@functools.cache
def bundled() -> ReservedNames:
    """The names the theme bundled with the tool reserves (a project without its own
    templates or styles uses exactly these)."""
    folder = Path(str(resources.files("clinic_handouts") / "theme"))
    return for_theme_dirs((folder / "templates",), (folder / "styles",))
