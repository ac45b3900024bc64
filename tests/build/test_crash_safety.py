"""What build/ holds after bad luck (``kill -9``, a full or read-only disk, a damaged
store) or after someone else wrote in it, and what the next build makes of it.

The builds run as the real command in their own process (``python -m clinic_handouts
build``), killed with SIGKILL as a power cut or the out-of-memory killer would. What must
hold: a PDF is called up to date only when its bytes are the ones the build made from
the current sources; a store that cannot be read means "nothing known" and is written
again; nothing kept in build/ changes what a build makes or hides what a check finds.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from clinic_handouts.build.manifest import load_manifest
from clinic_handouts.build.plan import BuildOptions, plan
from clinic_handouts.project.load import load_project
from tests.conftest import CLI, TODAY, ProjectFactory, handout, pdf_pages
from tests.helpers.build_process import ENV, build, command, start


def kill(running: subprocess.Popen[str]) -> int:
    """SIGKILL the build and everything it started; its return code."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(running.pid, signal.SIGKILL)
    running.communicate(timeout=60)
    return running.returncode


def dose_sheet(dose: int, large_print: str = "true") -> str:
    return handout(
        "Your medicine",
        f"Take {dose} mg of the medicine each morning.\n",
        **{"large_print": large_print},
    )


def doses_in(pdf: Path) -> list[str]:
    return re.findall(r"Take (\d+) mg", " ".join(pdf_pages(pdf)))


def leftovers(root: Path) -> list[Path]:
    return [p for p in (root / "build").rglob("*") if p.name.endswith(".tmp")]


# --- a PDF replaced by a killed build ------------------------------------------------------

# The case: two versions whose PDFs have the same size, so only their bytes tell
# them apart. If rendering changes and this fails, pick two doses that do (the test is
# about that case, not about these numbers).
SAME_SIZE = "the PDFs of 58 mg and 52 mg are no longer the same size: pick two doses that are"


def test_a_pdf_replaced_by_a_killed_build_is_never_called_up_to_date(
    make_project: ProjectFactory,
) -> None:
    """The issue's sequence: 58 mg built; 52 mg, ``build --force`` killed once the
    standard PDF is replaced (before the manifest is saved); back to 58 mg; ``build``.
    The standard PDF must say 58 mg again, like its large-print edition."""
    root = make_project({"handouts/en/dose.md": dose_sheet(58)})
    source, pdf = root / "handouts/en/dose.md", root / "build/en/dose.pdf"
    large = root / "build/en/dose.large-print.pdf"
    assert build(root).returncode == 0
    first = pdf.read_bytes()

    for _attempt in range(5):
        source.write_text(dose_sheet(52))
        # -j 1: the standard edition is made first, then the large print, in this order.
        running = start(root, "--force", "-j", "1")
        deadline = time.monotonic() + 120
        while pdf.read_bytes() == first:
            assert running.poll() is None, running.communicate()
            assert time.monotonic() < deadline, "the build replaced no PDF"
            time.sleep(0.002)
        assert kill(running) == -signal.SIGKILL
        if doses_in(large) == ["58"]:
            break  # killed between the two editions, before the manifest was saved
        source.write_text(dose_sheet(58))  # the kill came late: start again
        assert build(root, "--force").returncode == 0
        first = pdf.read_bytes()
    else:
        pytest.fail("the kill never landed between the two editions")
    assert doses_in(pdf) == ["52"]
    assert pdf.stat().st_size == len(first), SAME_SIZE

    source.write_text(dose_sheet(58))
    again = build(root)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Built 1 PDF ("), again.stdout  # the one that was wrong
    assert doses_in(pdf) == ["58"]
    assert doses_in(large) == ["58"]
    assert leftovers(root) == []


def test_a_manifest_not_saved_for_a_full_disk_never_vouches_for_newer_pdfs(
    make_project: ProjectFactory,
) -> None:
    """The same state, as a full disk leaves it: PDFs of 52 mg, the manifest of 58 mg."""
    root = make_project({"handouts/en/dose.md": dose_sheet(58, "false")})
    source, manifest = root / "handouts/en/dose.md", root / "build/.manifest.json"
    pdf = root / "build/en/dose.pdf"
    assert build(root).returncode == 0
    kept = manifest.read_bytes()
    source.write_text(dose_sheet(52, "false"))
    assert build(root).returncode == 0
    manifest.write_bytes(kept)  # the new manifest never reached the disk
    assert load_manifest(root / "build").entries["en/dose.pdf"].size == pdf.stat().st_size, (
        SAME_SIZE
    )

    source.write_text(dose_sheet(58, "false"))
    again = build(root)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Built 1 PDF ("), again.stdout
    assert doses_in(pdf) == ["58"]


def test_a_pdf_copied_or_touched_is_current_only_with_the_bytes_recorded(
    make_project: ProjectFactory,
) -> None:
    """A copy (new inode and ctime) is hashed and kept; other bytes of the same size,
    with the modification time set back, are made again."""
    root = make_project({"handouts/en/dose.md": dose_sheet(58, "false")})
    assert build(root).returncode == 0
    pdf = root / "build/en/dose.pdf"
    copy = Path(shutil.copytree(root, root.parent / "moved"))
    moved = build(copy)
    assert moved.stdout.startswith("Built 0 PDFs, 1 up to date"), moved.stdout

    made = pdf.read_bytes()
    status = pdf.stat()
    changed = bytearray(made)
    changed[len(changed) // 2] ^= 1  # same size, other bytes, written in place
    pdf.write_bytes(bytes(changed))
    os.utime(pdf, ns=(status.st_atime_ns, status.st_mtime_ns))  # and the time set back
    again = build(root)
    assert again.stdout.startswith("Built 1 PDF ("), again.stdout
    assert pdf.read_bytes() == made


# --- the proof: 20 kills at random moments -------------------------------------------------

SHEETS = 3
# Two doses whose PDFs come out the same size (see SAME_SIZE): a change back to the dose
# the manifest recorded is a coin toss away, and only the bytes tell the PDFs apart.
DOSES = (58, 52)


def write_doses(root: Path, rng: random.Random) -> dict[str, int]:
    chosen = {}
    for n in range(SHEETS):
        dose = rng.choice(DOSES)
        (root / f"handouts/en/sheet{n}.md").write_text(dose_sheet(dose, "false"))
        chosen[f"en/sheet{n}.pdf"] = dose
    return chosen


def called_current_but_wrong(root: Path, doses: dict[str, int]) -> list[str]:
    """The PDFs a build would now call up to date that do not say their source's dose."""
    project = load_project(root, TODAY)
    jobs, _ = plan(project, BuildOptions(today=TODAY), load_manifest(root / "build"))
    stale = {job.pdf_path.relative_to(root / "build").as_posix() for job in jobs}
    wrong = []
    for key, dose in doses.items():
        pdf = root / "build" / key
        if key not in stale and doses_in(pdf) != [str(dose)]:
            wrong.append(f"{key}: says {doses_in(pdf)}, source {dose}")
    return wrong


def test_twenty_kills_at_random_moments_leave_every_pdf_matching_its_source(
    make_project: ProjectFactory,
) -> None:
    """20 times: change the doses, start a build (every other one with --force), kill -9
    it at a random moment, change the doses again. After every kill no PDF that the next
    build would call up to date may disagree with its source; after the last, one build
    makes every PDF in build/ match its source."""
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    root = make_project()
    (root / "handouts/en").mkdir(parents=True)
    write_doses(root, rng)
    started = time.monotonic()
    # -j 1: the PDFs are made one after the other, so more of a build's time lies between
    # its first replaced PDF and the saved manifest, where a kill is most harmful.
    assert build(root, "-j", "1").returncode == 0
    whole = time.monotonic() - started  # how long a build of everything takes here
    kills = 0
    for run in range(20):
        write_doses(root, rng)
        running = start(root, "-j", "1", *(["--force"] if run % 2 else []))
        # A build with nothing to do ends early, so most kills land in the first part.
        time.sleep(rng.uniform(0, 0.7 * whole))
        kills += kill(running) == -signal.SIGKILL
        doses = write_doses(root, rng)
        assert called_current_but_wrong(root, doses) == [], f"run {run}, seed {seed}"
    # Enough kills landed while a build ran for the test to mean something (the machine
    # may be busy, which makes some builds finish before their kill).
    assert kills >= 6, f"only {kills} builds were still running when killed (seed {seed})"

    last = build(root)
    assert last.returncode == 0, last.stderr
    for key, dose in doses.items():
        assert doses_in(root / "build" / key) == [str(dose)], f"{key}, seed {seed}"
    assert leftovers(root) == []


# --- stores that cannot be read -------------------------------------------------------------

DEEP = "[" * 200_000 + "]" * 200_000


def deep_value(levels: int = 900) -> object:
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


def deep_inside(path: Path) -> None:
    """Every string value in the store replaced by a list nested 900 deep: parseable, but
    never to be copied or printed."""

    def swap(node: object) -> object:
        if isinstance(node, dict):
            return {key: swap(value) for key, value in node.items()}
        if isinstance(node, list):
            return [swap(value) for value in node]
        return deep_value() if isinstance(node, str) else node

    path.write_text(json.dumps(swap(json.loads(path.read_text()))))


@pytest.mark.parametrize(
    ("store", "how"),
    [
        (".manifest.json", "200,000 deep"),
        (".check-cache.json", "200,000 deep"),
        ("catalogue.json", "200,000 deep"),
        (".manifest.json", "900 deep inside"),  # was copied (asdict) before its type was known
    ],
)
def test_a_store_nested_too_deep_means_nothing_known_and_is_written_again(
    make_project: ProjectFactory, cli: CLI, store: str, how: str
) -> None:
    root = make_project({"handouts/en/dose.md": dose_sheet(58, "false")})
    first = cli("build", "--project", root)
    assert first.exit_code == 0
    path = root / "build" / store
    if how == "200,000 deep":
        path.write_text(DEEP)
    else:
        deep_inside(path)
    again = cli("build", "--project", root)  # a RecursionError here would propagate
    assert again.exit_code == 0, again.output
    rebuilt = 1 if store == ".manifest.json" else 0
    assert again.output.startswith(f"Built {rebuilt} PDF"), again.output
    assert isinstance(json.loads(path.read_text()), dict)  # repaired
    assert "Your medicine" in (root / "build/index.html").read_text()
    last = cli("build", "--project", root)
    assert last.output.startswith("Built 0 PDFs, 1 up to date"), last.output


# --- the check cache: written by someone else -------------------------------------------------

INJECTED = "<style>.crisis-box, .stamp-footer, footer { display: none }</style><p>Take 500 mg.</p>"


def forge(
    root: Path, table: str, change: Callable[[dict[str, object]], None], key: bytes | None
) -> None:
    """Change every entry of one table of build/.check-cache.json, as someone who can
    write there would; sealed with ``key`` when they know one (else the old seal stays)."""
    path = root / "build/.check-cache.json"
    data = json.loads(path.read_text())
    for entry in data["tables"][table].values():
        change(entry)
    body = json.dumps(data["tables"], sort_keys=True, ensure_ascii=False).encode()
    if key is not None:
        data["seal"] = hmac.new(key, body, hashlib.sha256).hexdigest()
    head = json.dumps({"format": data["format"], "seal": data["seal"]})[:-1].encode()
    path.write_bytes(head + b', "tables": ' + body + b"}")


def inject_html(entry: dict[str, object]) -> None:
    entry["html"] = INJECTED


def hide_problems(entry: dict[str, object]) -> None:
    entry["problems"] = []


FOOD = handout("Food", "You can eat three meals a day.\n", large_print="false")


def test_forged_html_in_the_check_cache_changes_nothing_a_build_makes(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project({"handouts/en/food.md": FOOD})
    assert cli("build", "--project", root).exit_code == 0
    forge(root, "markup", inject_html, key=None)
    (root / "build/en/food.pdf").unlink()  # made again: from the cache, if it were trusted
    assert cli("build", "--project", root).exit_code == 0
    text = " ".join(pdf_pages(root / "build/en/food.pdf"))
    assert "You can eat three meals a day." in text
    assert "500 mg" not in text
    assert "In crisis? Call or text 988." in text


def test_forged_findings_in_the_check_cache_hide_no_problem(
    make_project: ProjectFactory, cli: CLI
) -> None:
    body = "You can eat three meals a day. TODO: ask the dietitian.\n"
    root = make_project({"handouts/en/food.md": handout("Food", body, large_print="false")})
    first = cli("build", "--project", root)
    assert "handouts/en/food.md:7: error: placeholder-text:" in first.output
    forge(root, "findings", hide_problems, key=None)
    again = cli("build", "--project", root)
    assert again.exit_code == 1
    assert "handouts/en/food.md:7: error: placeholder-text:" in again.output
    assert not (root / "build/en/food.pdf").exists()


def test_an_outdated_crisis_number_is_found_whatever_the_cache_says(
    make_project: ProjectFactory, cli: CLI
) -> None:
    """Even with the build folder's own key (read by someone who should not have), the
    cache cannot hide an outdated crisis contact: that check never comes from it."""
    body = "You can eat three meals a day.\n\nIf you feel low, call 1-800-273-8255.\n"
    root = make_project({"handouts/en/food.md": handout("Food", body, large_print="false")})
    expected = "handouts/en/food.md:9: error: outdated-crisis-contact:"
    assert expected in cli("build", "--project", root).output
    key = (root / "build/.check-cache.key").read_bytes()
    forge(root, "findings", hide_problems, key=key)
    again = cli("build", "--project", root)
    assert again.exit_code == 1
    assert expected in again.output
    assert not (root / "build/en/food.pdf").exists()


def test_build_force_trusts_nothing_in_the_check_cache(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project({"handouts/en/food.md": FOOD})
    assert cli("build", "--project", root).exit_code == 0
    key = (root / "build/.check-cache.key").read_bytes()
    forge(root, "markup", inject_html, key=key)  # sealed with a key that got out
    assert cli("build", "--project", root, "--force").exit_code == 0
    text = " ".join(pdf_pages(root / "build/en/food.pdf"))
    assert "You can eat three meals a day." in text and "500 mg" not in text


@pytest.mark.parametrize("how", ["readable by others", "owned by another user"])
def test_a_key_file_that_is_not_private_is_replaced(
    make_project: ProjectFactory, cli: CLI, how: str
) -> None:
    """Someone who may write in build/ swaps the key file for one they know: a key that
    others can read, or that another user owns, is never used."""
    if how == "owned by another user" and os.geteuid() != 0:
        pytest.skip("making a file owned by another user needs root")
    root = make_project({"handouts/en/food.md": FOOD})
    assert cli("build", "--project", root).exit_code == 0
    key_file, theirs = root / "build/.check-cache.key", b"k" * 32
    key_file.write_bytes(theirs)
    if how == "readable by others":
        key_file.chmod(0o644)
    else:
        key_file.chmod(0o600)
        os.chown(key_file, 4242, 4242)
    forge(root, "markup", inject_html, key=theirs)
    (root / "build/en/food.pdf").unlink()
    assert cli("build", "--project", root).exit_code == 0
    text = " ".join(pdf_pages(root / "build/en/food.pdf"))
    assert "You can eat three meals a day." in text and "500 mg" not in text
    assert key_file.read_bytes() != theirs


# --- the computer says no: a read-only or full disk ----------------------------------------


@pytest.fixture
def read_only_build(make_project: ProjectFactory, cli: CLI) -> Iterator[Path]:
    """A built project whose build/ is then mounted read-only (a bind mount: needs root)."""
    root = make_project({"handouts/en/dose.md": dose_sheet(58, "false")})
    assert cli("build", "--project", root).exit_code == 0
    build_dir = str(root / "build")
    mounted = subprocess.run(
        ["mount", "--bind", build_dir, build_dir], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount here: {mounted.stderr.strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", build_dir], check=True)
        yield root
    finally:
        subprocess.run(["umount", build_dir], check=True)


def test_a_read_only_build_folder_is_a_message_saying_what_to_do(read_only_build: Path) -> None:
    root = read_only_build
    (root / "handouts/en/dose.md").write_text(dose_sheet(52, "false"))
    done = build(root)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr == (
        f"{root / 'build'}: error: output: cannot write in this folder, the disk or "
        "folder is read-only: make it writable (or copy the project to a folder you may "
        "write to) and build again (nothing was built)\n"
    )


def test_a_full_disk_when_saving_the_cache_still_updates_the_catalogue_and_summarizes(
    make_project: ProjectFactory,
) -> None:
    """Only the check cache is too big to write: one clear line about it, the catalogue
    written all the same, and the summary."""
    # Long link addresses: much HTML for the cache, few words for the catalogue's search.
    address = "https://example.org/" + "meals/" * 60
    long_body = "".join(f"See [meals]({address}{n}).\n\n" for n in range(150))
    root = make_project(
        {
            f"handouts/en/food{n}.md": handout(f"Food {n}", long_body, large_print="false")
            for n in range(3)
        }
    )
    assert build(root).returncode == 0
    others = [root / "build" / name for name in ("index.html", "catalogue.json", ".manifest.json")]
    limit = max(path.stat().st_size for path in others) + 4096
    cache = root / "build/.check-cache.json"
    assert cache.stat().st_size > limit  # what this test is about
    cache.unlink()
    (root / "build/index.html").unlink()

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    full = subprocess.run(
        command(root), env=ENV, capture_output=True, text=True, preexec_fn=small_files
    )
    assert full.returncode == 1
    errors = [line for line in full.stderr.splitlines() if ": error: " in line]
    assert errors == [
        f"{cache}: error: disk-full: cannot write this file, the disk is full: free "
        "space and build again (the previous file was left as it was)"
    ]
    assert "Traceback" not in full.stderr
    assert full.stdout.startswith("Built 0 PDFs, 3 up to date, 0 failed, in "), full.stdout
    assert "Food 2" in (root / "build/index.html").read_text()
    assert leftovers(root) == []
    assert build(root).returncode == 0 and cache.is_file()  # the next build repairs it


# --- what a killed build leaves behind ----------------------------------------------------


def test_temporary_files_left_by_a_killed_build_are_removed_by_the_next(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project({"handouts/en/dose.md": dose_sheet(58, "false")})
    assert cli("build", "--project", root).exit_code == 0
    # What atomic.write_atomic leaves when killed between writing and renaming.
    planted = [
        root / "build/en/.dose.pdf.k2j4h1_x.tmp",
        root / "build/.manifest.json.a8d7f6s5.tmp",
    ]
    for path in planted:
        path.write_bytes(b"%PDF-1.7 half a file")
    result = cli("build", "--project", root)
    assert result.output.startswith("Built 0 PDFs, 1 up to date"), result.output
    assert leftovers(root) == []
    assert doses_in(root / "build/en/dose.pdf") == ["58"]
