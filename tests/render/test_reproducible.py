"""Reproducible PDFs: the same sources, theme and build date give the same bytes, whatever
folder the project is in, whichever process renders it, and however Python hashes.

This is the one place where PDF bytes are compared (see the test conventions).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf

from tests.conftest import CONFIG, EPOCH, handout
from tests.helpers.project_files import png, write_project

FILES: dict[str, str | bytes] = {
    "handouts/en/door.md": handout(
        "Finding us",
        "Look for the blue door.\n\n![The clinic's blue door](../../images/door.png)\n\n"
        "| Day | Open |\n|-----|------|\n| Monday | 9 to 5 |\n\n[Back to the top](#finding-us)\n",
        summary="Where the clinic is.",
        tags="[visit, map]",
        large_print="false",
    ),
    "handouts/es/puerta.md": handout(
        "Cómo llegar", "Busque la puerta azul. **Año** ñ é.\n", large_print="false"
    ),
    "images/door.png": png(40),
}


def make(root: Path) -> Path:
    return write_project(root, FILES, CONFIG)


def build(root: Path, jobs: str, hash_seed: str) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": hash_seed}
    command = [sys.executable, "-m", "clinic_handouts", "build", "--project", str(root)]
    done = subprocess.run([*command, "-j", jobs], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_same_inputs_give_identical_pdfs_in_other_folders_and_processes(tmp_path: Path) -> None:
    one = make(tmp_path / "one" / "clinic")
    two = make(tmp_path / "second-copy" / "handouts-project")
    build(one, jobs="1", hash_seed="1")  # rendered in the build's own process
    build(two, jobs="2", hash_seed="2")  # rendered by pool workers
    pdfs = sorted(p.relative_to(one) for p in (one / "build").rglob("*.pdf"))
    assert [str(p) for p in pdfs] == ["build/en/door.pdf", "build/es/puerta.pdf"]
    for pdf in pdfs:
        assert (one / pdf).read_bytes() == (two / pdf).read_bytes(), pdf
    shutil.rmtree(two / "build")  # and again, in a folder that was never built before
    build(two, jobs="2", hash_seed="3")
    for pdf in pdfs:
        assert (one / pdf).read_bytes() == (two / pdf).read_bytes(), pdf


def test_pdf_id_is_permanent_per_output_and_changes_with_the_content(tmp_path: Path) -> None:
    root = make(tmp_path / "clinic")
    build(root, jobs="1", hash_seed="1")
    pdf = root / "build" / "en" / "door.pdf"
    with pikepdf.open(pdf) as first:  # qpdf would repair (and warn about) a broken trailer
        assert not first.check_pdf_syntax()
        assert not first.get_warnings()
        permanent, changing = (bytes(part) for part in first.trailer.ID)
    assert (
        changing
        == hashlib.md5(
            pdf.read_bytes().replace(  # the file, less its own ID
                b"/ID [<" + permanent.hex().encode() + b"> <" + changing.hex().encode() + b">]", b""
            ),
            usedforsecurity=False,
        ).digest()
    )
    source = root / "handouts" / "en" / "door.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nWe are on the ground floor.\n")
    build(root, jobs="2", hash_seed="2")
    with pikepdf.open(pdf) as second:
        assert not second.check_pdf_syntax()
        assert bytes(second.trailer.ID[0]) == permanent  # the same document, a new version
        assert bytes(second.trailer.ID[1]) != changing
