"""A small HTML reader: a document as a tree of elements, with their attributes and text.

It is the standard library's forgiving ``HTMLParser`` with a stack: an end tag closes the
nearest open element of its name (and any left open inside it), a stray one is ignored,
void elements (``br``, ``img``...) never hold children. ``importing/markdown.py`` walks
this tree to turn mammoth's HTML into Markdown; the tests read the pages the tool writes
(the catalogue) with it, as a person's browser shows them with no CSS or JavaScript, so
there is one HTML reader, not one for the tool and another for its tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# HTML's void elements: no end tag, no content (HTML Living Standard, 13.1.2).
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)
# Their text is code, not something a reader sees.
_UNSEEN_TEXT = frozenset({"script", "style"})


@dataclass
class Element:
    """One element: its tag, its attributes (one without a value as ""), and what it
    holds in document order, elements and text."""

    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Its text as read aloud: markup dropped, whitespace folded."""
        parts = [child if isinstance(child, str) else child.text for child in self.children]
        return " ".join("".join(parts).split())

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def iter(self) -> list[Element]:
        """Every element inside it, in document order."""
        found: list[Element] = []
        for child in self.children:
            if isinstance(child, Element):
                found.append(child)
                found.extend(child.iter())
        return found

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        """The elements inside it with this tag and this class (either may be left out)."""
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag) and (cls is None or cls in element.classes)
        ]

    def by_id(self, ident: str) -> Element:
        """The element inside it with this id; KeyError when there is none."""
        for element in self.iter():
            if element.attrs.get("id") == ident:
                return element
        raise KeyError(ident)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack[-1].tag not in _UNSEEN_TEXT:
            self.stack[-1].children.append(data)


def parse(markup: str) -> Element:
    """The document's tree, under a root element tagged ``#document``."""
    builder = _Builder()
    builder.feed(markup)
    builder.close()
    return builder.root
