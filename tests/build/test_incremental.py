"""Incremental builds: which outputs are stale after which edit, and what a person sees
when a build has nothing, one thing or a broken thing to do.

The staleness table builds a small project once, then only plans (no rendering) after
each edit, so it stays fast. Nothing here is timed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from click.testing import Result

import clinic_handouts
from clinic_handouts.build.manifest import load_manifest
from clinic_handouts.build.plan import BuildOptions, BuildReport, plan, plan_jobs
from clinic_handouts.checks import CheckContext, Findings, text_findings
from clinic_handouts.checks import cache as check_cache
from clinic_handouts.checks.cache import load_check_cache
from clinic_handouts.project.load import load_project
from clinic_handouts.project.sources import Handout
from clinic_handouts.text.markdown import BodyHtml
from tests.conftest import CLI, CONFIG, EPOCH, TODAY, handout, pdf_pages
from tests.helpers.project_files import png, write_project

# Standard editions only: the large-print edition follows the same rules and would only
# double the renders.
FILES: dict[str, str | bytes] = {
    "handouts/en/sleep.md": handout(
        "Sleep",
        "Go to bed at the same time.\n\n![A bed](../../images/bed.png)\n",
        large_print="false",
    ),
    "handouts/en/food.md": handout("Food", "Eat three meals a day.\n", large_print="false"),
    "handouts/es/sueno.md": handout("Sueño", "Acuéstese a la misma hora.\n", large_print="false"),
    "images/bed.png": png(10),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small project, built once for the whole module (three PDFs)."""
    root = write_project(tmp_path_factory.mktemp("built") / "project", FILES, CONFIG)
    result = subprocess.run(
        [sys.executable, "-m", "clinic_handouts", "build", "--project", str(root)],
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built project (a moved project keeps its outputs current)."""
    return Path(shutil.copytree(built, tmp_path / "copy"))


def stale(root: Path, today: dt.date = TODAY, force: bool = False) -> set[str]:
    """The outputs a build would make now, by handout file."""
    jobs, _ = plan(
        load_project(root, today),
        BuildOptions(today=today, force=force),
        load_manifest(root / "build"),
    )
    return {job.handout.rel for job in jobs}


ALL = {"handouts/en/sleep.md", "handouts/en/food.md", "handouts/es/sueno.md"}
BUNDLED = resources.files("clinic_handouts")


def edit_source(root: Path) -> None:
    path = root / "handouts/en/food.md"
    path.write_text(path.read_text() + "\nDrink water.\n")


def touch_source(root: Path) -> None:
    os.utime(root / "handouts/en/food.md", (1, 1))  # a new date, the same content


def edit_image(root: Path) -> None:
    (root / "images/bed.png").write_bytes(png(200))


def override_template(root: Path) -> None:
    text = (BUNDLED / "theme/templates/handout.html").read_text()
    (root / "templates").mkdir()
    (root / "templates/handout.html").write_text(text.replace("handout-body", "handout-body x"))


def override_style(root: Path) -> None:
    text = (BUNDLED / "theme/styles/print.css").read_text()
    (root / "styles").mkdir()
    (root / "styles/print.css").write_text(text + "\nh1 { font-size: 24pt; }\n")


def edit_config(root: Path) -> None:
    path = root / "handouts.toml"
    path.write_text(path.read_text().replace("Test Clinic", "Test Health Clinic"))


def override_crisis_data(root: Path) -> None:
    text = (BUNDLED / "data/crisis/US.toml").read_text()
    (root / "crisis").mkdir()
    (root / "crisis/US.toml").write_text(text + "\n# checked again by our reviewer\n")


def override_spanish_words(root: Path) -> None:
    text = (BUNDLED / "data/strings/es.toml").read_text()
    (root / "locales").mkdir()
    (root / "locales/es.toml").write_text(text.replace("Página", "Pág."))


def delete_pdf(root: Path) -> None:
    (root / "build/en/sleep.pdf").unlink()


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (edit_source, {"handouts/en/food.md"}),
        (touch_source, set()),
        (edit_image, {"handouts/en/sleep.md"}),
        (override_template, ALL),
        (override_style, ALL),
        (edit_config, ALL),
        (override_crisis_data, ALL),
        (override_spanish_words, {"handouts/es/sueno.md"}),
        (delete_pdf, {"handouts/en/sleep.md"}),
    ],
)
def test_outputs_made_from_what_changed_are_stale(
    project: Path, edit: Callable[[Path], None], expected: set[str]
) -> None:
    assert stale(project) == set()
    edit(project)
    assert stale(project) == expected


def test_new_tool_version_makes_everything_stale(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clinic_handouts, "__version__", "99.0")
    assert stale(project) == ALL


def test_force_makes_everything_stale(project: Path) -> None:
    assert stale(project, force=True) == ALL


def test_a_new_day_rebuilds_only_when_the_theme_prints_the_date(project: Path) -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    assert stale(project, today=tomorrow) == set()
    text = (BUNDLED / "theme/templates/handout.html").read_text()
    (project / "templates").mkdir()
    (project / "templates/handout.html").write_text(
        text.replace("{% endblock %}", "<p>Printed {{ page.build_date }}</p>{% endblock %}")
    )
    stale(project)  # the template change itself
    assert stale(project, today=tomorrow) != set()


def summary(result: Result) -> str:
    return next(line for line in result.output.splitlines() if line.startswith("Built "))


def test_rebuild_makes_only_what_changed_and_removes_deleted(project: Path, cli: CLI) -> None:
    pdfs = {p: p.stat().st_mtime_ns for p in (project / "build").rglob("*.pdf")}
    result = cli("build", "--project", project)
    assert result.exit_code == 0
    assert summary(result).startswith("Built 0 PDFs, 3 up to date, 0 failed, in ")
    assert {p: p.stat().st_mtime_ns for p in pdfs} == pdfs  # not even rewritten
    assert "Building" not in result.output  # no progress bar when not on a terminal

    edit_source(project)
    (project / "handouts/es/sueno.md").unlink()
    result = cli("build", "--project", project)
    assert result.exit_code == 0
    assert summary(result).startswith("Built 1 PDF (1 page, ")
    assert ", 1 up to date, 0 failed, in " in summary(result)
    assert "Removed 1 PDF of handouts that no longer exist" in result.output
    assert "Drink water." in pdf_pages(project / "build/en/food.pdf")[0]
    assert not (project / "build/es").exists()
    assert set(load_manifest(project / "build").entries) == {"en/sleep.pdf", "en/food.pdf"}


def test_failed_handout_keeps_its_pdf_and_is_not_current(project: Path, cli: CLI) -> None:
    source = project / "handouts/en/food.md"
    good = source.read_text()
    before = (project / "build/en/food.pdf").read_bytes()
    source.write_text(good.replace("reviewed_on: 2026-10-01", "reviewed_on: 2026-13-01"))
    result = cli("build", "--project", project)
    assert result.exit_code == 1
    assert "handouts/en/food.md:3: error: front-matter: reviewed_on" in result.output
    assert summary(result).startswith("Built 0 PDFs, 2 up to date, 1 failed, in ")
    assert "1 not built" in result.output
    assert (project / "build/en/food.pdf").read_bytes() == before

    # A render that fails (here: an image that is missing) also keeps the old PDF.
    source.write_text(good + "\n![Gone](missing.png)\n")
    result = cli("build", "--project", project)
    assert result.exit_code == 1 and "missing-resource" in result.output
    assert (project / "build/en/food.pdf").read_bytes() == before

    source.write_text(good)  # back to what the PDF was made from: made again all the same
    result = cli("build", "--project", project)
    assert result.exit_code == 0
    assert summary(result).startswith("Built 1 PDF (")  # the kept PDF was never current
    assert summary(cli("build", "--project", project)).startswith("Built 0 PDFs, 3 up to date")


def test_unreadable_manifest_means_a_full_rebuild(project: Path, cli: CLI) -> None:
    victim = project / "keep.pdf"
    victim.write_bytes(b"%PDF not ours")
    manifest = project / "build/.manifest.json"
    data = json.loads(manifest.read_text())
    data["outputs"]["../keep.pdf"] = dict(data["outputs"]["en/food.pdf"], source="gone.md")
    manifest.write_text(json.dumps(data))
    assert stale(project) == set()  # the bad entry is ignored, the good ones still count
    result = cli("build", "--project", project)
    assert result.exit_code == 0 and victim.exists()  # never deletes outside build/

    manifest.write_text('{"format": 1, "outputs": {"en/food.pdf": ')
    result = cli("build", "--project", project)
    assert result.exit_code == 0
    assert summary(result).startswith("Built 3 PDFs (")


def test_a_build_with_nothing_to_do_needs_no_renderer(project: Path, tmp_path: Path) -> None:
    """Loading the renderer takes longer than a whole build with nothing to do, so such a
    build never loads it: here it cannot (a stand-in package that refuses to load comes
    first on the path), and the build still says everything is up to date."""
    broken = tmp_path / "stand-in" / "weasyprint"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('the renderer was loaded')\n")
    done = subprocess.run(
        [sys.executable, "-m", "clinic_handouts", "build", "--project", str(project)],
        env={
            **os.environ,
            "SOURCE_DATE_EPOCH": EPOCH,
            "PYTHONPATH": os.pathsep.join([str(broken.parent), os.environ.get("PYTHONPATH", "")]),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Built 0 PDFs, 3 up to date"), done.stdout


def test_html_is_written_for_up_to_date_outputs_too(project: Path, cli: CLI) -> None:
    result = cli("build", "--project", project, "--html")
    assert result.exit_code == 0
    assert summary(result).startswith("Built 0 PDFs, 3 up to date")
    assert "Eat three meals a day." in (project / "build/en/food.html").read_text()


def test_force_makes_every_pdf_again(project: Path, cli: CLI) -> None:
    result = cli("build", "--project", project, "--force", "-j", "1")
    assert result.exit_code == 0
    assert summary(result).startswith("Built 3 PDFs (")
    assert ", 0 up to date, 0 failed, in " in summary(result)


# --- the check cache: findings kept between builds ---------------------------------------

LONG_SENTENCE = (
    "When you come back home after the visit you should rest in a quiet room with the "
    "lights down low and ask a friend or someone in your family to stay with you all day.\n"
)
HARDER_PROSE = (
    "Medication management requires consistent attention. Discuss alternative "
    "possibilities with your physician. Unexpected reactions occasionally develop "
    "gradually. Document everything you experience every evening. Your clinician "
    "evaluates information systematically before recommending adjustments.\n"
)


def findings(root: Path, today: dt.date = TODAY, cached: bool = True) -> list[str]:
    """Every problem a build reports, checked through the project's cache (then saved,
    as a build does) or afresh."""
    project = load_project(root, today)
    report = BuildReport(problems=list(project.problems))
    cache = load_check_cache(root / "build") if cached else None
    options = BuildOptions(today=today)
    list(plan_jobs(project, options, report, load_manifest(root / "build"), cache))
    if cache is not None:
        cache.save(root / "build")
    return sorted(p.format() for p in report.problems)


def append_to_food(text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / "handouts/en/food.md"
        path.write_text(path.read_text() + "\n" + text)

    return edit


def add_front_matter_line(root: Path) -> None:
    path = root / "handouts/en/food.md"
    path.write_text(path.read_text().replace("title: Food\n", "title: Food\nsummary: Meals.\n"))


def raise_grade_limits(root: Path) -> None:
    path = root / "handouts.toml"
    path.write_text(path.read_text() + "\n[readability]\ntarget_grade = 25\nmax_grade = 30\n")


def review_in_65_days(root: Path) -> None:
    path = root / "handouts/en/food.md"  # reviewed every 24 months: due on 2027-01-25
    path.write_text(path.read_text().replace("2026-10-01", "2025-01-25"))


def add_outdated_number(root: Path) -> None:
    text = (BUNDLED / "data/crisis/outdated.toml").read_text()
    (root / "crisis").mkdir()
    (root / "crisis/outdated.toml").write_text(
        text + '\n[[outdated]]\nwhat = "a closed line"\npattern = "555-0199"\n'
        'instead = "988"\nsource = "https://example.org/"\n'
    )


def delete_image(root: Path) -> None:
    (root / "images/bed.png").unlink()


def nothing(root: Path) -> None:
    pass


@pytest.mark.parametrize(
    ("prepare", "edit", "today", "changed"),
    [
        (nothing, append_to_food(LONG_SENTENCE), TODAY, "long-sentence"),
        (append_to_food(LONG_SENTENCE), add_front_matter_line, TODAY, "food.md:10: warning"),
        (append_to_food(HARDER_PROSE * 2), raise_grade_limits, TODAY, "reading-level"),
        (append_to_food("Call 555-0199.\n"), add_outdated_number, TODAY, "outdated-crisis"),
        (nothing, delete_image, TODAY, "missing-resource"),
        (review_in_65_days, nothing, TODAY + dt.timedelta(days=10), "review-due-soon"),
    ],
)
def test_kept_findings_never_hide_what_a_fresh_check_finds(
    project: Path,
    prepare: Callable[[Path], None],
    edit: Callable[[Path], None],
    today: dt.date,
    changed: str,
) -> None:
    """After each change, a build reusing the cache reports exactly what checking afresh
    reports, and the change shows (a problem appears, moves or goes)."""
    prepare(project)
    before = findings(project)  # the cache now holds this state
    edit(project)
    after = findings(project, today)
    assert after == findings(project, today, cached=False)
    assert any(changed in line for line in before) != any(changed in line for line in after)


def test_a_build_with_nothing_changed_checks_no_text_again(
    project: Path, cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    append_to_food(LONG_SENTENCE)(project)
    first = cli("build", "--project", project)
    checked: list[str] = []

    def counting(handout: Handout, markup: BodyHtml, context: CheckContext) -> Findings:
        checked.append(handout.rel)
        return text_findings(handout, markup, context)

    monkeypatch.setattr(check_cache, "text_findings", counting)
    again = cli("build", "--project", project)
    assert checked == []
    assert again.output.replace(summary(again), "") == first.output.replace(summary(first), "")
    assert "long-sentence" in again.output  # reported from what was kept

    edit_source(project)
    cli("build", "--project", project)
    assert checked == ["handouts/en/food.md"]

    checked.clear()
    edit_config(project)
    cli("build", "--project", project)
    assert sorted(checked) == sorted(ALL)


def test_an_unreadable_check_cache_means_checking_again(project: Path, cli: CLI) -> None:
    expected = findings(project, cached=False)
    (project / "build/.check-cache.json").write_text('{"format": 2, "findings": {"x": ')
    assert findings(project) == expected
    # Sealed with the folder's own key, so only the entries' shapes can refuse them.
    key = (project / "build/.check-cache.key").read_bytes()
    tables = json.loads((project / "build/.check-cache.json").read_text())["tables"]
    for entry in tables["findings"].values():
        entry["problems"] = [["only", "three", "items"]]
    (project / "build/.check-cache.json").write_bytes(check_cache.sealed(key, tables))
    assert findings(project) == expected


# --- what a render read, recorded as it was read (issue 14) --------------------------

DOT_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="40" height="40"><image xlink:href="dot.png" width="40" height="40"/></svg>'
)


def test_a_picture_inside_a_picture_is_part_of_what_the_pdf_is_made_from(
    make_project: Callable[..., Path], cli: CLI
) -> None:
    """No regular expression over the HTML sees that chart.svg shows dot.png; the fetcher
    does, as it reads it. Changing dot.png remakes exactly the PDF that drew it."""
    root = make_project(
        {
            "handouts/en/chart.md": handout(
                "Chart", "Look at the chart.\n\n![A chart](chart.svg)\n", large_print="false"
            ),
            "handouts/en/chart.svg": DOT_SVG,
            "handouts/en/dot.png": png(10),
            "handouts/en/plain.md": handout("Plain", "No picture.\n", large_print="false"),
        }
    )
    assert cli("build", "--project", root).exit_code == 0
    before = (root / "build/en/chart.pdf").read_bytes()
    assert stale(root) == set()

    (root / "handouts/en/dot.png").write_bytes(png(200))
    assert stale(root) == {"handouts/en/chart.md"}
    result = cli("build", "--project", root)
    assert summary(result).startswith("Built 1 PDF ("), result.output
    assert "1 up to date" in summary(result)
    assert (root / "build/en/chart.pdf").read_bytes() != before


def test_a_font_the_pdf_is_drawn_with_is_part_of_what_it_is_made_from(
    make_project: Callable[..., Path], tmp_path: Path
) -> None:
    """The fonts come from fontconfig, not the fetcher: the worker records the font files
    the laid-out pages use. Installing a new version of one remakes the PDFs drawn with it
    (here: fontconfig pointed at a folder holding one font, which is then replaced)."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    dejavu = Path(
        subprocess.run(
            ["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True, text=True
        ).stdout
    )
    shutil.copy(dejavu, fonts / dejavu.name)
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{fonts}</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    root = make_project({"handouts/en/a.md": handout("A", "Rest.\n", large_print="false")})
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "FONTCONFIG_FILE": str(conf)}
    command = [sys.executable, "-m", "clinic_handouts", "build", "--project", str(root)]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    assert stale(root) == set()

    (fonts / dejavu.name).unlink()
    shutil.copy(dejavu, fonts / dejavu.name)  # a new version of the font, installed
    assert stale(root) == {"handouts/en/a.md"}
