"""Read a tagged PDF the way assistive technology does: the structure tree (pikepdf), the
text each structure element owns (pdfplumber's characters, by marked-content id), and
the text marked as artifacts, which screen readers skip."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pikepdf


@dataclass
class Element:
    tag: str  # "H1", "Table", ...
    alt: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    children: list[Element] = field(default_factory=list)
    own_text: str = ""

    @property
    def text(self) -> str:
        """All text below this element, in tree order, whitespace folded."""
        parts = [self.own_text, *(child.text for child in self.children)]
        return " ".join(" ".join(parts).split())

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, tag: str) -> list[Element]:
        return [element for element in self.walk() if element.tag == tag]


@dataclass
class TaggedPdf:
    root: Element
    lang: str
    display_doc_title: bool
    marked: bool
    ua_part: str
    bookmarks: list[str]
    artifact_text: list[str]  # per page
    fonts: list[tuple[str, bool]]  # (base font name, embedded)


def _chars_by_mcid(path: Path) -> tuple[dict[tuple[int, int], str], list[str]]:
    owned: dict[tuple[int, int], list[str]] = defaultdict(list)
    artifacts: list[str] = []
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            page_artifacts: list[str] = []
            for char in page.chars:
                if char.get("mcid") is not None:
                    owned[(index, char["mcid"])].append(char["text"])
                elif char.get("tag") == "Artifact":
                    page_artifacts.append(char["text"])
            artifacts.append("".join(page_artifacts))
    return {key: "".join(chars) for key, chars in owned.items()}, artifacts


def _build(
    node: pikepdf.Dictionary,
    page_of: dict[tuple[int, int], int],
    texts: dict[tuple[int, int], str],
    page: int,
) -> Element:
    if "/Pg" in node:
        page = page_of[node.Pg.objgen]
    element = Element(tag=str(node.get("/S", "/?"))[1:])
    if "/Alt" in node:
        element.alt = str(node.Alt)
    attributes = node.get("/A")
    if isinstance(attributes, pikepdf.Dictionary):
        element.attributes = {str(k)[1:]: str(v) for k, v in attributes.items()}
    kids = node.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
    own: list[str] = []
    for item in items:
        if isinstance(item, int):
            own.append(texts.get((page, int(item)), ""))
        elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
            element.children.append(_build(item, page_of, texts, page))
        elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/MCR":
            item_page = page_of[item.Pg.objgen] if "/Pg" in item else page
            own.append(texts.get((item_page, int(item.MCID)), ""))
    element.own_text = " ".join(own)
    return element


def _outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    titles: list[str] = []
    with pdf.open_outline() as outline:

        def visit(items: list[pikepdf.OutlineItem], depth: int) -> None:
            for item in items:
                titles.append("  " * depth + item.title)
                visit(item.children, depth + 1)

        visit(outline.root, 0)
    return titles


def _flag(catalog: pikepdf.Object, table: str, key: str) -> bool:
    entries = catalog.get(table)
    return isinstance(entries, pikepdf.Dictionary) and bool(entries.get(key, False))


def read_tagged(path: Path) -> TaggedPdf:
    texts, artifacts = _chars_by_mcid(path)
    with pikepdf.open(path) as pdf:
        page_of = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        tree_root = pdf.Root.StructTreeRoot
        kids = tree_root.K
        top = kids[0] if isinstance(kids, pikepdf.Array) else kids
        assert isinstance(top, pikepdf.Dictionary)
        root = _build(top, page_of, texts, 0)
        metadata = pdf.open_metadata()
        fonts: list[tuple[str, bool]] = []
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                fonts.append((str(font.BaseFont), embedded))
        return TaggedPdf(
            root=root,
            lang=str(pdf.Root.get("/Lang", "")),
            display_doc_title=_flag(pdf.Root, "/ViewerPreferences", "/DisplayDocTitle"),
            marked=_flag(pdf.Root, "/MarkInfo", "/Marked"),
            ua_part=str(metadata.get("pdfuaid:part", "")),
            bookmarks=_outline_titles(pdf),
            artifact_text=artifacts,
            fonts=fonts,
        )
