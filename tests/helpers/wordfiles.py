"""Word files (.docx) made the way Word makes them, with python-docx, for import tests.

Only Word's own structures are used: the built-in Title, Heading and List styles (List
Bullet 2 is a second level by its name, as in Word), a multi-level list whose items carry
their level (w:ilvl, what Word's toolbar writes when you press Tab in a list), a table
with merged cells, pictures with and without a description (wp:docPr/@descr, Word's Alt
Text), a hyperlink relationship, and bold and italic runs.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.table import Table
from docx.text.paragraph import Paragraph

# A two-level list definition as Word's toolbar writes it: bullets, then hollow bullets.
_MULTILEVEL = (
    f"<w:abstractNum {nsdecls('w')} w:abstractNumId='90'>"
    "<w:multiLevelType w:val='hybridMultilevel'/>"
    "<w:lvl w:ilvl='0'><w:start w:val='1'/><w:numFmt w:val='bullet'/>"
    "<w:lvlText w:val='\u2022'/><w:lvlJc w:val='left'/>"
    "<w:pPr><w:ind w:left='720' w:hanging='360'/></w:pPr></w:lvl>"
    "<w:lvl w:ilvl='1'><w:start w:val='1'/><w:numFmt w:val='bullet'/>"
    "<w:lvlText w:val='o'/><w:lvlJc w:val='left'/>"
    "<w:pPr><w:ind w:left='1440' w:hanging='360'/></w:pPr></w:lvl>"
    "</w:abstractNum>"
)


class WordFile:
    """A Word document under construction; ``save`` writes the .docx."""

    def __init__(self) -> None:
        self.doc: Document = docx.Document()
        self._multilevel_id: int | None = None

    def title(self, text: str) -> None:
        self.doc.add_paragraph(text, style="Title")

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(text, level=level)

    def paragraph(self, *runs: str | tuple[str, str]) -> Paragraph:
        """Runs: plain text, or ("bold" | "italic", text)."""
        paragraph = self.doc.add_paragraph()
        for run in runs:
            if isinstance(run, str):
                paragraph.add_run(run)
            else:
                kind, text = run
                added = paragraph.add_run(text)
                added.bold = kind == "bold"
                added.italic = kind == "italic"
        return paragraph

    def styled_item(self, text: str, style: str) -> None:
        """An item in one of Word's list styles (List Bullet, List Bullet 2, List Number)."""
        self.doc.add_paragraph(text, style=style)

    def _multilevel(self) -> int:
        if self._multilevel_id is None:
            numbering = self.doc.part.numbering_part.element
            numbering.insert(0, parse_xml(_MULTILEVEL))
            num = numbering.add_num(90)
            self._multilevel_id = int(num.numId)
        return self._multilevel_id

    def toolbar_item(self, text: str, level: int) -> None:
        """An item of a list made with Word's Bullets button; Tab gives level 1."""
        paragraph = self.doc.add_paragraph(text, style="List Paragraph")
        properties = paragraph._p.get_or_add_pPr()
        numbering = OxmlElement("w:numPr")
        ilvl = OxmlElement("w:ilvl")
        ilvl.set(qn("w:val"), str(level))
        num_id = OxmlElement("w:numId")
        num_id.set(qn("w:val"), str(self._multilevel()))
        numbering.append(ilvl)
        numbering.append(num_id)
        properties.append(numbering)

    def link(self, before: str, text: str, url: str) -> None:
        paragraph = self.doc.add_paragraph(before)
        rel_id = self.doc.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), rel_id)
        run = OxmlElement("w:r")
        words = OxmlElement("w:t")
        words.text = text
        run.append(words)
        hyperlink.append(run)
        paragraph._p.append(hyperlink)

    def picture(self, data: bytes, description: str | None) -> None:
        self.doc.add_picture(io.BytesIO(data))
        drawing = self.doc.paragraphs[-1]._p.xpath(".//wp:docPr")[0]
        if description is None:
            drawing.attrib.pop("descr", None)
        else:
            drawing.set("descr", description)

    def table(self, rows: list[list[str]], merge: Callable[[Table], None]) -> None:
        table = self.doc.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        merge(table)

    def save(self, path: Path) -> Path:
        self.doc.save(str(path))
        return path
