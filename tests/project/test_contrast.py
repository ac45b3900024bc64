"""Brand colours are checked for WCAG 2.1 contrast when handouts.toml loads."""

from __future__ import annotations

import pytest

from clinic_handouts.project.contrast import ratio, shown
from tests.conftest import CLI, CONFIG, ProjectFactory, handout


@pytest.mark.parametrize(
    ("foreground", "background", "expected"),
    [
        ("#000000", "#ffffff", 21.0),  # the largest possible contrast
        ("#fff", "#ffffff", 1.0),  # short form, no contrast
        ("#777777", "#ffffff", 4.48),  # the classic just-fails grey
        ("#1f4e79", "#ffffff", 8.66),  # the default brand colour
    ],
)
def test_wcag_contrast_ratio(foreground: str, background: str, expected: float) -> None:
    assert ratio(foreground, background) == pytest.approx(expected, abs=0.01)
    assert ratio(background, foreground) == pytest.approx(expected, abs=0.01)


def test_shown_ratio_never_rounds_a_failure_up_to_a_pass() -> None:
    assert shown(4.48) == "4.4:1"
    assert shown(4.0) == "4.0:1"


def test_low_contrast_brand_colours_are_config_errors(
    make_project: ProjectFactory, cli: CLI
) -> None:
    config = CONFIG + '\n[brand]\ncolor = "#8fb3d9"\naccent = "#c8c8c8"\ntext = "#595959"\n'
    lines = config.splitlines()
    color_line = lines.index('color = "#8fb3d9"') + 1
    text_line = lines.index('text = "#595959"') + 1
    root = make_project({"handouts/en/a.md": handout()}, config=config)
    result = cli("build", "--project", root)
    assert result.exit_code == 2
    assert (
        f"handouts.toml:{color_line}: error: config: brand.color: '#8fb3d9' on white has "
        "contrast 2.1:1; text needs at least 4.5:1. Choose a darker colour"
    ) in result.output
    # Dark enough on white (7:1), too light on the grey tint behind table headers.
    assert (
        f"handouts.toml:{text_line}: error: config: brand.text: '#595959' on the accent "
        "colour '#c8c8c8' has contrast 4.1:1; text needs at least 4.5:1. Choose a darker "
        "colour or a lighter brand.accent"
    ) in result.output
    assert not (root / "build").exists()


def test_default_and_sample_brand_colours_pass(make_project: ProjectFactory, cli: CLI) -> None:
    config = CONFIG + '\n[brand]\ncolor = "#1f4e79"\naccent = "#eef3f8"\ntext = "#111111"\n'
    root = make_project({"handouts/en/a.md": handout()}, config=config)
    result = cli("build", "--project", root, "--only", "a")
    assert result.exit_code == 0, result.output
