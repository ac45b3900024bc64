"""Fingerprints: one content hash of everything an output PDF is made from.

An output is current when its fingerprint equals the one recorded in the manifest when
the PDF on disk was made. The fingerprint covers, by content (never modification times):

- what every output shares (``shared_digest``): this tool's version and its own files
  (so a development checkout never keeps a PDF made by older code), the WeasyPrint and
  pydyf versions, handouts.toml, every theme file (templates, styles, fonts), the logo,
  and the crisis data text;
- what one output adds (``output_fingerprint``): the handout as parsed (title, dates,
  body...), the words file of its language, and the variant.

The files a render reads (pictures, pictures inside pictures, stylesheets, fonts) are not
guessed here from the HTML: the fetcher records them as it reads them, and the manifest
keeps them per output (build/dependencies.py).

The build date is left out on purpose: the page prints the review dates, which come from
the source, and the PDF's creation date records the day the PDF was made, which stays
true while the PDF is current. A theme whose templates print the build date on the
page (``page.build_date`` outside a ``<meta>`` line) puts the date into every
fingerprint, so its PDFs are remade on a new day.

Names inside a fingerprint are relative (``styles/print.css``, ``images/door.png``), so a
project folder that is moved or copied keeps its outputs current.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
from collections.abc import Sequence
from pathlib import Path

import clinic_handouts
from clinic_handouts.project.config import ProjectConfig
from clinic_handouts.project.crisis import CrisisDirectory
from clinic_handouts.project.editions import Variant
from clinic_handouts.project.sources import Handout
from clinic_handouts.project.theme import Theme
from clinic_handouts.project.words import Strings

# Bump when what goes into a fingerprint changes, so old manifests never match.
SCHEME = "clinic-handouts fingerprint 1"
LIBRARIES = ("weasyprint", "pydyf")


class _Hasher:
    """A SHA-256 over labelled parts, so two different inputs never run together."""

    def __init__(self, label: str) -> None:
        self._hash = hashlib.sha256(label.encode())

    def add(self, name: str, data: bytes | str) -> None:
        raw = data.encode() if isinstance(data, str) else data
        self._hash.update(f"\0{name}\0{len(raw)}\0".encode())
        self._hash.update(raw)

    def add_file(self, name: str, path: Path) -> None:
        try:
            self.add(name, path.read_bytes())
        except OSError:
            self.add(name, "<missing>")  # the render reports it; the output is never current

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


@functools.cache
def package_digest() -> str:
    """The tool's own files (code, bundled data, theme): read once per process."""
    package = Path(clinic_handouts.__file__).parent
    hasher = _Hasher("package")
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            hasher.add_file(path.relative_to(package).as_posix(), path)
    return hasher.hexdigest()


def tool_versions() -> dict[str, str]:
    """The versions that change how a PDF is made: this tool and the PDF libraries."""
    versions = {"clinic-handouts": clinic_handouts.__version__, "code": package_digest()}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "<not installed>"
    return versions


def theme_prints_build_date(theme: Theme) -> bool:
    """True when a template prints the build date on the page (not only in metadata)."""
    for path in theme.files():
        if path.suffix not in (".html", ".htm", ".j2", ".jinja"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return True  # cannot tell: be safe and rebuild on a new day
        for line in text.splitlines():
            if "build_date" in line and "<meta" not in line:
                return True
    return False


def theme_key(theme: Theme, path: Path) -> str:
    """``templates/base.html`` or ``styles/print.css``: the file's name inside the theme."""
    for folder in (*theme.template_dirs, *theme.style_dirs):
        if path.is_relative_to(folder):
            return f"{folder.name}/{path.relative_to(folder).as_posix()}"
    return path.name


def shared_digest(
    config: ProjectConfig, theme: Theme, crisis: CrisisDirectory, today: dt.date
) -> str:
    """The part of every fingerprint that does not depend on the handout."""
    hasher = _Hasher(SCHEME)
    for name, version in sorted(tool_versions().items()):
        hasher.add(f"version:{name}", version)
    # The text loaded with the project, not the file read again: what the PDF was made
    # from, even if handouts.toml is saved while the build runs.
    hasher.add("handouts.toml", config.source_text)
    hasher.add("paper", config.paper)  # `handouts build --paper` overrides the file
    for path in theme.files():
        hasher.add_file(f"theme:{theme_key(theme, path)}", path)
    if config.clinic.logo:
        hasher.add_file(f"logo:{config.clinic.logo}", config.root / config.clinic.logo)
    hasher.add("crisis", crisis.fingerprint_text)
    if theme_prints_build_date(theme):
        hasher.add("build-date", today.isoformat())
    return hasher.hexdigest()


def handout_digest(handout: Handout) -> str:
    """A hash of everything the build uses from a handout file, without where the project
    lives (``Handout.content_text``)."""
    return handout.content_digest


def output_fingerprint(
    shared: str,
    handout: Handout,
    strings: Strings,
    variant: Variant,
    crisis_strings: Strings | None = None,
    notices: Sequence[Strings] = (),
) -> str:
    """``crisis_strings``: the words of the crisis box when it falls back to another
    language (see crisis.CrisisInfo.fallback); ``notices``: the words of every language
    the notice of free language help is printed in."""
    hasher = _Hasher(shared)
    hasher.add("handout", handout_digest(handout))
    hasher.add("strings", strings.fingerprint_text)
    if crisis_strings is not None and crisis_strings != strings:
        hasher.add("crisis-strings", crisis_strings.fingerprint_text)
    for notice in notices:
        hasher.add(f"notice:{notice.lang}", notice.fingerprint_text)
    hasher.add("variant", repr(variant))
    return hasher.hexdigest()
