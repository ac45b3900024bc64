"""Every language in its own script (issue 15): real glyphs or a refusal, never boxes.

Each test builds a real project with a handout, a disclaimer and stamp words in one
language, both editions, and reads the PDFs as a reader's tools do: the fonts embedded
(pdffonts), the text layer (pdftotext), where the text lies (pdfplumber).
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from clinic_handouts.render.html import keep_korean_words
from clinic_handouts.render.pdf import Renderer, StampMissing
from clinic_handouts.render.stamp import Stamp
from tests.conftest import CLI, EPOCH, ProjectFactory
from tests.helpers.repo_project import REPO
from tests.render.scripts import LANGUAGES, Language, project_files

EDITIONS = ("sleep.pdf", "sleep.large-print.pdf")


def build_language(make_project: ProjectFactory, cli: CLI, language: Language) -> Path:
    # Enough text for two pages in every script (the stamp is checked on each page).
    config, files = project_files([language], repeat=5)
    root = make_project(files, config=config)
    result = cli("build", "--project", root, "-j", "1")
    assert result.exit_code == 0, result.output
    assert "missing-glyph" not in result.output
    return root / "build" / language.lang


def pdftotext(pdf: Path) -> list[str]:
    """The text of each page as poppler extracts it (what copy and search get)."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def squeezed(text: str) -> str:
    """Text without white space and the direction marks pdftotext adds around
    right-to-left runs (LRM, RLM, embeddings, isolates): where a line breaks is not
    part of the text. The joiners (ZWJ, ZWNJ) are letters of the text and stay."""
    return re.sub(r"[\s\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069]+", "", text)


ZWNJ = "\u200c"


def readable(language: Language, text: str) -> str:
    """``squeezed`` text as the text layer can hold it. Farsi's ZWNJ (U+200C, in
    ``شب‌ها``) has no glyph: Pango shapes it as an empty glyph and WeasyPrint draws
    nothing for it, so no PDF reader can get it back (see docs/languages.md and
    test_farsi_zwnj_shapes_the_print_but_has_no_glyph). It is left out on both sides
    for Farsi only; the print itself is checked to honour it."""
    text = squeezed(text)
    return text.replace(ZWNJ, "") if language.lang == "fa" else text


def other_extractors(pdf: Path, language: Language) -> dict[str, str]:
    """The text as independent extractors read it: pdfium (Chromium's PDF engine), and
    for right-to-left pages pypdf too. pypdf ignores /ActualText, so it cannot read
    Devanagari right from any PDF; its right-to-left order is what is checked."""
    document = pdfium.PdfDocument(pdf)
    texts = {"pdfium": " ".join(page.get_textpage().get_text_range() for page in document)}
    document.close()
    if language.rtl:
        texts["pypdf"] = " ".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    return texts


def font_families(pdf: Path) -> set[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    names = [line.split()[0] for line in listing.stdout.splitlines()[2:]]
    return {name.split("+", 1)[-1].replace("-", "") for name in names}


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_script_prints_in_its_font_with_its_stamp(
    make_project: ProjectFactory, cli: CLI, lang: str
) -> None:
    language = LANGUAGES[lang]
    folder = build_language(make_project, cli, language)
    page_of = squeezed(language.strings.split('page_of = "')[1].split('"')[0])
    page_label = re.compile(
        re.escape(page_of).replace(r"\{page\}", r"\d+").replace(r"\{pages\}", r"\d+")
    )
    for name in EDITIONS:
        pdf = folder / name
        # The script's own font, embedded: no box in place of a letter.
        families = font_families(pdf)
        assert any(f.startswith(language.font) for f in families), (name, families)
        pages = pdftotext(pdf)
        assert len(pages) >= 2, name
        for number, text in enumerate(pages, start=1):
            # The localized stamp on every page (the line may break anywhere in it).
            assert readable(language, language.disclaimer) in readable(language, text), (
                name,
                number,
            )
            assert page_label.search(squeezed(text)), (name, number, page_of)
        # Every sentence of the source can be found again in the text layer, whole and
        # in reading order, by poppler and by other extractors (right to left included:
        # each gives the logical order; docs/languages.md).
        texts = {"pdftotext": " ".join(pages), **other_extractors(pdf, language)}
        for tool, extracted in texts.items():
            everything = readable(language, extracted)
            for sentence in (language.title, *language.sentences):
                assert readable(language, sentence) in everything, (name, tool, sentence)


def crisis_box_lines(page: pdfplumber.page.Page, heading: str) -> list[dict[str, Any]]:
    """The lines of text in the crisis box below its heading: up to the first line that
    starts left of the heading, outside the box's border and padding."""
    lines = page.extract_text_lines(layout=False, strip=True)
    start = next(i for i, line in enumerate(lines) if heading in line["text"])
    inside = float(lines[start]["x0"]) - 1
    end = next(
        (i for i in range(start + 1, len(lines)) if float(lines[i]["x0"]) < inside), len(lines)
    )
    return lines[start + 1 : end]


def premature_breaks(lines: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Lines ended although the next word of their paragraph fits on them: (line, the
    next line). A line that starts with a bullet starts a new paragraph."""
    right = max(float(line["x1"]) for line in lines)
    found = []
    for this, following in itertools.pairwise(lines):
        if following["text"][:1] in "•◦":
            continue
        # The glyphs of the next line's first word (a PDF need not draw its spaces).
        chars = [c for c in following["chars"] if not c["text"].isspace()]
        wanted, drawn, last = following["text"].split()[0], "", chars[0]
        for last in chars:
            drawn += last["text"]
            if len(drawn) >= len(wanted):
                break
        word = float(last["x1"]) - float(chars[0]["x0"])
        space = 0.25 * float(chars[0]["size"])
        if float(this["x1"]) + space + word < right - 1:
            found.append((this["text"], following["text"]))
    return found


def test_vietnamese_crisis_box_lines_are_filled(make_project: ProjectFactory, cli: CLI) -> None:
    """The issue's fault: "Họ sẽ nối / máy / với thông dịch viên" ("máy" alone on a line,
    though "với" fits beside it). WeasyPrint measured the last line of the box's first
    service with the template's white space before the nested list; render/whitespace.py
    removes that space. Every line of the box is as full as the next word allows."""
    folder = build_language(make_project, cli, LANGUAGES["vi"])
    for name in EDITIONS:
        with pdfplumber.open(folder / name) as pdf:
            pages = [p for p in pdf.pages if "Hãy tìm trợ giúp ngay" in (p.extract_text() or "")]
            assert len(pages) == 1, name
            lines = crisis_box_lines(pages[0], "Hãy tìm trợ giúp ngay")
            assert len(lines) >= 6, (name, [line["text"] for line in lines])
            assert premature_breaks(lines) == [], name
            assert all(line["text"] != "máy" for line in lines), name


def test_hindi_vowel_signs_survive_in_the_text_layer(
    make_project: ProjectFactory, cli: CLI
) -> None:
    """The issue's own example: चाहिए, not चाहए (the vowel sign ि is drawn before its
    consonant, and the PDF's glyph map alone loses it)."""
    folder = build_language(make_project, cli, LANGUAGES["hi"])
    for name in EDITIONS:
        words = " ".join(pdftotext(folder / name)).split()
        assert "चाहिए।" in words, name
        assert "चाहए।" not in words and "चिा" not in words, name


def test_farsi_zwnj_shapes_the_print_but_has_no_glyph(tmp_path: Path) -> None:
    """Why the Farsi sentences are compared without U+200C: the printed word is the
    source's word (the ZWNJ keeps ب from joining ه, so شب‌ها and شبها look different on
    paper), but no glyph stands for the ZWNJ, so both give the same text layer. When
    the second assertion fails, WeasyPrint writes the ZWNJ: drop the fold in
    ``readable``."""
    renderer = Renderer([tmp_path])
    pictures, texts = [], []
    for word in ("شب\u200cها", "شبها"):
        html = f'<html lang="fa" dir="rtl"><body><p>{word}</p></body></html>'
        pdf = tmp_path / "word.pdf"
        pdf.write_bytes(renderer.render_pdf(html, str(tmp_path), Stamp((), ())).data)
        pictures.append(
            subprocess.run(
                ["pdftoppm", "-r", "72", "-gray", str(pdf)], capture_output=True, check=True
            ).stdout
        )
        texts.append(squeezed(pdftotext(pdf)[0]))
    assert pictures[0] != pictures[1]  # the ZWNJ is honoured on paper
    assert texts == ["شبها", "شبها"]  # and only there


# The crisis box of a Korean handout in a US project: the interpreter texts of the US data.
KOREAN_BOX = " ".join(
    str(value)
    for value in re.findall(
        r'"([^"]*[\uac00-\ud7a3][^"]*)"',
        (resources.files("clinic_handouts") / "data/crisis/US.toml").read_text(encoding="utf-8"),
    )
)


def test_korean_words_are_never_broken(make_project: ProjectFactory, cli: CLI) -> None:
    language = LANGUAGES["ko"]
    folder = build_language(make_project, cli, language)
    words = {w for text in (language.title, *language.sentences) for w in text.split()}
    for name in EDITIONS:
        with pdfplumber.open(folder / name) as pdf:
            for page in pdf.pages:
                # The body's lines: every word on them is a whole word of the source.
                lines = (page.extract_text(layout=False) or "").splitlines()
                for line in lines:
                    if not re.search("[\uac00-\ud7a3]", line) or "검토일" in line:
                        continue  # not Korean; the stamp's own words
                    for word in line.split():
                        if re.fullmatch(r"[\uac00-\ud7a3.]+", word) and word not in words:
                            stamp = " ".join((language.disclaimer, language.strings, KOREAN_BOX))
                            allowed = re.split(r'[\s"{}“”]+', stamp)
                            # The theme ends a service's name with the language's full stop.
                            assert word.rstrip(".") in [w.rstrip(".") for w in allowed], (
                                name,
                                line,
                                word,
                            )


def test_korean_words_are_wrapped_in_the_body_only() -> None:
    html = (
        '<html lang="ko"><head><title>잠자기 전</title></head>'
        '<body><p title="긴장될 때">긴장될 때는 <strong>천천히</strong> 숨을 쉬세요.</p>'
        "<p>English & only</p></body></html>"
    )
    out = keep_korean_words(html)
    assert "<title>잠자기 전</title>" in out
    assert 'title="긴장될 때"' in out
    assert '<span class="keep-word">긴장될</span> <span class="keep-word">때는</span>' in out
    assert '<strong><span class="keep-word">천천히</span></strong>' in out
    assert '<span class="keep-word">쉬세요.</span>' in out
    assert re.sub(r"<[^>]+>", "", out) == re.sub(r"<[^>]+>", "", html)  # same text


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_arabic_and_farsi_pages_run_right_to_left(
    make_project: ProjectFactory, cli: CLI, lang: str
) -> None:
    language = LANGUAGES[lang]
    config, files = project_files([language], repeat=1)
    rel = f"handouts/{lang}/sleep.md"
    files[rel] += f'\n!!! note "{language.title}"\n    {language.sentences[0]}\n'
    root = make_project(files, config=config)
    result = cli("build", "--project", root, "-j", "1")
    assert result.exit_code == 0, result.output
    html = (root / "build" / lang / "sleep.pdf").read_bytes()
    assert html
    for name in EDITIONS:
        with pdfplumber.open(root / "build" / lang / name) as pdf:
            page = pdf.pages[0]
            width = float(page.width)
            # The title (the largest letters) ends at the right margin (1 in = 72 pt),
            # far from the left one.
            biggest = max(float(c["size"]) for c in page.chars)
            title = [c for c in page.chars if float(c["size"]) == biggest]
            assert width - max(float(c["x1"]) for c in title) < 80, name
            assert min(float(c["x0"]) for c in title) > width / 3, name
            # The call-out's thick bar is on the right, where its lines start. WeasyPrint
            # fills a border as the ring between its outer and inner rectangles.
            rects = [(float(r["x0"]), float(r["x1"]), float(r["top"])) for r in page.rects]
            gaps = [
                (inner[0] - outer[0], outer[1] - inner[1])
                for outer in rects
                for inner in rects
                if outer[0] < inner[0] and inner[1] < outer[1] and abs(outer[2] - inner[2]) < 3
            ]
            bars = [(left, right) for left, right in gaps if max(left, right) >= 5]
            assert bars, (name, gaps)
            assert all(right > left for left, right in bars), (name, bars)


def test_a_chinese_stamp_is_found_across_line_breaks_and_a_missing_one_is_refused(
    tmp_path: Path,
) -> None:
    disclaimer = LANGUAGES["zh-Hans"].disclaimer
    # A narrow footer breaks the disclaimer over several lines, between characters.
    html = (
        '<html lang="zh-Hans"><head><style>@page { @bottom-center { content: element(f); } }'
        "@page { margin-bottom: 4in } footer { position: running(f); width: 8em; }"
        "</style></head><body>"
        f"<footer><p>{disclaimer}</p></footer><p>你好。</p></body></html>"
    )
    renderer = Renderer([tmp_path])
    rendered = renderer.render_pdf(html, base_url=str(tmp_path), stamp=Stamp((disclaimer,), ()))
    assert rendered.pages == 1
    lines = pdftotext_bytes(rendered.data, tmp_path)
    assert lines.count("\n") > 5  # it really was broken over lines
    with pytest.raises(StampMissing, match="does not show"):
        renderer.render_pdf(html, base_url=str(tmp_path), stamp=Stamp((disclaimer + "再见",), ()))
    with pytest.raises(StampMissing, match="does not show"):
        renderer.render_pdf(
            html.replace("医生", "药师"), base_url=str(tmp_path), stamp=Stamp((disclaimer,), ())
        )


def pdftotext_bytes(data: bytes, folder: Path) -> str:
    path = folder / "probe.pdf"
    path.write_bytes(data)
    return "".join(pdftotext(path))


def test_the_fonts_a_pdf_used_are_named(tmp_path: Path) -> None:
    renderer = Renderer([tmp_path])
    html = (
        "<html lang=\"zh-Hans\" style=\"font-family: 'DejaVu Sans', 'Noto Sans CJK SC'\">"
        "<body><p>睡前 <b>sleep</b></p></body></html>"
    )
    rendered = renderer.render_pdf(html, base_url=str(tmp_path), stamp=Stamp((), ()))
    names = {path.name for path in rendered.fonts}
    assert {"NotoSansCJK-Regular.ttc", "DejaVuSans-Bold.ttf"} <= names, names
    assert all(path.is_file() for path in rendered.fonts)


FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


@pytest.mark.parametrize("fonts", ["empty", "latin-only"])
def test_a_script_without_fonts_is_refused_not_printed_as_boxes(
    make_project: ProjectFactory, tmp_path: Path, fonts: str
) -> None:
    """fontconfig pointed at a folder without Chinese fonts (an empty one, or one with
    only DejaVu): the build says missing-glyph and keeps the previous PDF."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    if fonts == "latin-only":
        for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
            (folder / name).symlink_to(Path("/usr/share/fonts/truetype/dejavu") / name)
    conf = tmp_path / "fonts.conf"
    conf.write_text(FONTCONFIG.format(fonts=folder, cache=tmp_path / "cache"), encoding="utf-8")
    config, files = project_files([LANGUAGES["zh-Hans"]], repeat=1)
    root = make_project(files, config=config)
    previous = root / "build/zh-Hans/sleep.pdf"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"%PDF-1.7 the previous, good PDF")
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(conf),
        "SOURCE_DATE_EPOCH": EPOCH,
        "PYTHONPATH": str(REPO / "src"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "clinic_handouts", "build", "--project", str(root), "-j", "1"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output
    refusal = re.search(
        r"handouts/zh-Hans/sleep\.md: error: missing-glyph: sleep\.pdf not written: .*", output
    )
    assert refusal, output
    message = refusal.group(0)
    assert "睡 (U+7761)" in message
    assert "'zh-Hans'" in message and "Han" in message
    assert "fonts-noto-cjk" in message
    if fonts == "empty":
        assert "fonts-dejavu-core" in message  # the Latin letters have no font either
    assert previous.read_bytes() == b"%PDF-1.7 the previous, good PDF"
    assert not (root / "build/zh-Hans/sleep.large-print.pdf").exists()
