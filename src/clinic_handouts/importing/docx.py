"""One Word file (.docx) read into clean HTML and its pictures, or refused in plain words.

mammoth does the reading. It is a well-kept converter made for this job: it maps Word's
*meaning* (Heading 1, a bulleted list, a hyperlink, a picture's description) to plain
HTML and drops Word's look (fonts, colours, sizes), which a handout gets from the clinic's
theme instead. It is pure Python, so the import runs the same on every computer, unlike
pandoc or LibreOffice, which would be a large program to install beside the tool.

Before mammoth sees a file, ``read_docx`` looks at what it really is, whatever its name:
a PDF, an old Word 97-2003 .doc, a password-protected file (Word keeps those in the old
container, encrypted), an RTF or OpenDocument file, a damaged zip, or a zip too large
when unpacked (a "zip bomb"), each gets a message saying what to do. Errors mammoth
raises on a damaged file are caught here, and only here, and become the same kind of
message: a user mistake never shows a traceback.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers.expat import ExpatError

from clinic_handouts.importing.markdown import TITLE_CLASS

MAX_DOCX_BYTES = 50_000_000  # a long handout with photos is a few MB
MAX_UNPACKED_BYTES = 200_000_000  # everything inside the zip, unpacked
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # Word 97-2003, and encrypted .docx
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")  # a stream of an encrypted file
CORE_NS = {"dc": "http://purl.org/dc/elements/1.1/"}

# Word's built-in list styles are single-level lists: "List Bullet 2" is the second level
# by its name only, so mammoth is told. Lists made with Word's toolbar carry their level
# (w:ilvl) and need no rule. The Title style is the document's title.
STYLE_MAP = "\n".join(
    [
        f"p[style-name='Title'] => h1.{TITLE_CLASS}:fresh",
        "p[style-name='List Bullet 2'] => ul|ol > li > ul > li:fresh",
        "p[style-name='List Number 2'] => ul|ol > li > ol > li:fresh",
        "p[style-name='List Bullet 3'] => ul|ol > li > ul|ol > li > ul > li:fresh",
        "p[style-name='List Number 3'] => ul|ol > li > ul|ol > li > ol > li:fresh",
    ]
)


class Refused(Exception):
    """This file cannot be imported; the message says why and what to do."""


@dataclass(frozen=True)
class WordImage:
    """One picture inside a Word file, as ``read_docx`` takes it out. ``handouts import``
    saves it next to the handout, or leaves it out with a note."""

    number: int  # 1, 2, ... in document order
    content_type: str  # as Word stored it: "image/png", "image/x-emf"
    data: bytes


@dataclass(frozen=True)
class WordFile:
    """A Word file as ``read_docx`` read it: mammoth's HTML, in which each picture's address
    is ``word-image:<n>``, where n is the ``number`` of one of ``images``."""

    html: str
    images: tuple[WordImage, ...]
    core_title: str  # the title in File > Info > Properties; often stale, used last
    notes: tuple[str, ...]  # what mammoth could not convert, for the writer


def _refuse_by_content(head: bytes, data: bytes) -> None:
    if head.startswith(b"%PDF"):
        raise Refused(
            "this is a PDF, not a Word file. Import the Word file it was made from, or "
            "start a new handout ('handouts new') and copy the text into it"
        )
    if head.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in data:
            raise Refused(
                "this Word file is protected with a password. Open it in Word, remove the "
                "password (File > Info > Protect Document > Encrypt with Password, then "
                "clear it), save it, and import it again"
            )
        raise Refused(
            "this is an old Word 97-2003 file (.doc). Open it in Word, choose File > Save "
            "As > Word Document (.docx), and import the .docx"
        )
    if head.startswith(b"{\\rtf"):
        raise Refused(
            "this is an RTF file, not a Word document. Open it in Word, save it as a Word "
            "Document (.docx), and import the .docx"
        )
    if not head.startswith(b"PK"):
        raise Refused(
            "this is not a Word document (.docx). Open it in Word and save it as a Word "
            "Document (.docx), then import that"
        )


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise Refused(
            f"the file is damaged and cannot be opened ({exc}). Open it in Word; if Word "
            "can repair it, save it again and import the repaired file"
        ) from None
    names = set(archive.namelist())
    if "word/document.xml" not in names:
        archive.close()
        if "content.xml" in names:
            raise Refused(
                "this is an OpenDocument file (LibreOffice, .odt), not a Word document. "
                "Save it as a Word Document (.docx) and import that"
            )
        raise Refused("this zip file is not a Word document (.docx): it has no text part")
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        archive.close()
        raise Refused(
            f"unpacked, this file would take more than {MAX_UNPACKED_BYTES // 1_000_000} "
            "MB; a handout is far smaller. Is this the right file?"
        )
    return archive


def _core_title(archive: zipfile.ZipFile) -> str:
    try:
        root = ElementTree.fromstring(archive.read("docProps/core.xml"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError):
        return ""  # no properties, or damaged ones: the title comes from elsewhere
    found = root.find("dc:title", CORE_NS)
    return " ".join((found.text or "").split()) if found is not None else ""


def read_docx(path: Path) -> WordFile:
    """Read ``path`` as a Word document; ``Refused`` with a writer's message otherwise."""
    import mammoth  # only `handouts import` needs it (~75 ms to load)

    try:
        size = path.stat().st_size
        if not path.is_file():
            raise Refused("this is a folder, not a Word file")
        if size > MAX_DOCX_BYTES:
            raise Refused(
                f"the file is {size // 1_000_000} MB; a Word handout is a few MB at most "
                f"(the limit is {MAX_DOCX_BYTES // 1_000_000} MB). Is this the right file?"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise Refused("there is no such file; check the name and the folder") from None
    except OSError as exc:
        raise Refused(f"cannot read the file: {exc.strerror}") from None
    _refuse_by_content(data[:8], data)

    with _open_zip(path) as archive:
        try:
            bad = archive.testzip()
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            bad = str(exc)
        if bad:
            raise Refused(
                f"the file is damaged (a part of it, {bad}, does not read back). Open it "
                "in Word; if Word can repair it, save it again and import the repaired file"
            )
        core_title = _core_title(archive)

    images: list[WordImage] = []

    def keep_image(image: mammoth.documents.Image) -> dict[str, str]:
        with image.open() as stream:
            content = stream.read()
        images.append(WordImage(len(images) + 1, image.content_type or "", content))
        return {"src": f"word-image:{len(images)}"}  # replaced once the name is known

    try:
        with path.open("rb") as handle:
            result = mammoth.convert_to_html(
                handle,
                style_map=STYLE_MAP,
                convert_image=mammoth.images.img_element(keep_image),
            )
    except (ExpatError, OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        # What mammoth raises on a damaged document: broken XML, a missing part, a
        # picture or link whose target is not in the file.
        raise Refused(
            f"the file is damaged and cannot be read ({type(exc).__name__}: {exc}). Open "
            "it in Word; if Word can repair it, save it again and import the repaired file"
        ) from None
    notes = tuple(
        message.message
        for message in result.messages
        # Styles mammoth has no rule for lose only their look, which the theme gives.
        if not message.message.startswith("Unrecognised ")
    )
    return WordFile(result.value, tuple(images), core_title, notes)
