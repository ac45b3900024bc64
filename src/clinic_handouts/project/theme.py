"""The theme: which template and style files a project uses.

A project's own ``templates/`` and ``styles/`` folders come first; any file they do not
have comes from the default theme bundled with the tool, so a clinic can override one
file (say, ``styles/print.css``) and keep the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clinic_handouts.addresses import bundled_theme_dir
from clinic_handouts.errors import ConfigError, error
from clinic_handouts.project.config import ProjectConfig
from clinic_handouts.project.stylesheets import check_stylesheets


@dataclass(frozen=True)
class Theme:
    """Where a project's templates and stylesheets are looked up: its own folders first,
    then the bundled theme's (``load_theme``)."""

    template_dirs: tuple[Path, ...]
    style_dirs: tuple[Path, ...]

    def style(self, name: str) -> Path:
        for folder in self.style_dirs:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        raise ConfigError([error(f"styles/{name}", 0, "theme", f"the theme has no styles/{name}")])

    def files(self) -> list[Path]:
        """Every file the theme could use, for fingerprints (first folder wins)."""
        seen: dict[str, Path] = {}
        for folder in (*self.template_dirs, *self.style_dirs):
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*")):
                key = f"{folder.name}/{path.relative_to(folder).as_posix()}"
                if path.is_file() and key not in seen:
                    seen[key] = path
        return [seen[key] for key in sorted(seen)]


def bundled_theme() -> Theme:
    """The default theme alone, as a project with no templates/ or styles/ of its own
    sees it (the catalogue's tests and benchmarks use it)."""
    builtin = bundled_theme_dir()
    return Theme(template_dirs=(builtin / "templates",), style_dirs=(builtin / "styles",))


def load_theme(config: ProjectConfig) -> Theme:
    builtin = bundled_theme_dir()
    theme = Theme(
        template_dirs=(config.templates_dir, builtin / "templates"),
        style_dirs=(config.styles_dir, builtin / "styles"),
    )
    # The project's own CSS may load only files in the project or the bundled theme.
    own_css = sorted(config.styles_dir.rglob("*.css")) if config.styles_dir.is_dir() else []
    check_stylesheets(own_css, config.root, (config.root, builtin))
    return theme
