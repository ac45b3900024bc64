"""Where things are: the project's folders, declared once, and the name of every output
inside build/.

Every module that reads a project folder or names a file in build/ asks here, so the
build, the catalogue, ``handouts email``, the check report and the preview server can
never disagree on where a handout's PDF is.
"""

from __future__ import annotations

from pathlib import PurePosixPath

CONFIG_NAME = "handouts.toml"
HANDOUTS = "handouts"  # handouts/<lang>/<slug>.md
TEMPLATES = "templates"  # the project's own theme templates
STYLES = "styles"  # the project's own stylesheets
IMAGES = "images"  # pictures shared by several handouts
CRISIS = "crisis"  # the project's own crisis data (overrides the bundled files)
LOCALES = "locales"  # the project's own words for the stamp (overrides the bundled ones)
BUILD = "build"  # everything the tool writes
RACKS = "racks"  # racks/<name>.toml: what a waiting-room rack holds (printing/racks.py)

# Folders whose files a build reads (besides the bundled theme and data).
INPUT_FOLDERS = (HANDOUTS, TEMPLATES, STYLES, IMAGES, CRISIS, LOCALES, RACKS)

THUMBNAILS = "thumbnails"  # inside build/
RACK_PACKS = "racks"  # inside build/: build/racks/<name>.pdf, a rack's restock pack


PRINT_SHOP = "print-shop"  # inside build/: copies with bleed and crop marks for a shop


def print_shop_key(pdf_key: str) -> str:
    """A PDF's print-shop copy inside build/: ``print-shop/en/sleep.pdf``."""
    return f"{PRINT_SHOP}/{pdf_key}"


def rack_pack_key(name: str) -> str:
    """A rack's restock pack inside build/: ``racks/waiting-room.pdf``."""
    return f"{RACK_PACKS}/{name}.pdf"


def output_stem(lang: str, slug: str) -> str:
    """``<lang>/<slug>``: where a handout's outputs go inside build/."""
    return f"{lang}/{slug}"


def output_key(lang: str, slug: str, suffix: str = "") -> str:
    """An edition's PDF inside build/: ``en/sleep.pdf``, ``en/sleep.large-print.pdf``."""
    return f"{output_stem(lang, slug)}{suffix}.pdf"


def thumbnail_key(lang: str, slug: str) -> str:
    """Where a handout's page-1 picture goes, inside build/."""
    return f"{THUMBNAILS}/{lang}/{slug}.png"


def html_key(pdf_key: str) -> str:
    """The HTML written beside a PDF by ``build --html``."""
    return str(PurePosixPath(pdf_key).with_suffix(".html"))
