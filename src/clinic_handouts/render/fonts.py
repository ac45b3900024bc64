"""Fonts as the build sees them: which Debian package draws a script, and which font file a
laid-out run of text was drawn with.

- ``package_for`` names the Debian package that brings a font for a character's script
  (Noto for every script the bundled languages use, DejaVu for Latin, Greek and Cyrillic),
  so a ``missing-glyph`` refusal can say what to install. ``tools/system-packages.sh``
  installs the same packages.
- ``font_file`` turns a Pango font (as WeasyPrint's layout holds it) into the file
  fontconfig loaded it from, so the fonts a PDF used can be recorded as part of what it
  was made from. WeasyPrint's own bindings do not declare the one call needed
  (``pango_fc_font_get_pattern``), so it is declared here, on the same shared libraries.

Nothing here imports WeasyPrint: a Pango font arrives as its address.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import cffi  # type: ignore[import-untyped]
from fontTools import unicodedata  # type: ignore[import-untyped]

# ISO 15924 script -> the Debian package with a font for it. Scripts not listed here are
# in fonts-noto-core too (Noto covers every script in Unicode), apart from the few below.
LATIN_PACKAGE = "fonts-dejavu-core"
CJK_PACKAGE = "fonts-noto-cjk"
DEFAULT_PACKAGE = "fonts-noto-core"
PACKAGES: dict[str, str] = {
    "Latn": LATIN_PACKAGE,
    "Grek": LATIN_PACKAGE,
    "Cyrl": LATIN_PACKAGE,
    "Hani": CJK_PACKAGE,
    "Hira": CJK_PACKAGE,
    "Kana": CJK_PACKAGE,
    "Hang": CJK_PACKAGE,
    "Bopo": CJK_PACKAGE,
    "Zyyy": LATIN_PACKAGE,  # punctuation and symbols shared by every script
}
# Pictures in text (emoji) come from a colour font of their own.
EMOJI_PACKAGE = "fonts-noto-color-emoji"


def package_for(char: str) -> str:
    """The Debian package whose fonts draw ``char``."""
    if unicodedata.script(char) == "Zyyy" and ord(char) >= 0x1F000:
        return EMOJI_PACKAGE
    return PACKAGES.get(unicodedata.script(char), DEFAULT_PACKAGE)


def script_name(char: str) -> str:
    """The English name of ``char``'s script ("Han", "Devanagari"), for messages."""
    return str(unicodedata.script_name(unicodedata.script(char), default="Unknown"))


_FFI = cffi.FFI()
_FFI.cdef(
    """
    typedef struct _FcPattern FcPattern;
    FcPattern *pango_fc_font_get_pattern (void *font);
    size_t pango_fc_font_get_type (void);
    int g_type_check_instance_is_a (void *instance, size_t iface_type);
    int FcPatternGetString (const FcPattern *p, const char *object, int n, char **s);
    """
)


@functools.cache
def _libraries() -> tuple[Any, Any, Any]:
    return (
        _FFI.dlopen("libpangoft2-1.0.so.0"),
        _FFI.dlopen("libfontconfig.so.1"),
        _FFI.dlopen("libgobject-2.0.so.0"),
    )


def font_file(address: int) -> Path | None:
    """The file of the Pango font at ``address``, or None when it has none: no font at
    all (Pango's stand-in when no font is installed) or not one fontconfig loaded."""
    pangoft2, fontconfig, gobject = _libraries()
    font = _FFI.cast("void *", address)
    if not address or not gobject.g_type_check_instance_is_a(
        font, pangoft2.pango_fc_font_get_type()
    ):
        return None
    pattern = pangoft2.pango_fc_font_get_pattern(font)
    if pattern == _FFI.NULL:
        return None
    value = _FFI.new("char **")
    if fontconfig.FcPatternGetString(pattern, b"file", 0, value) != 0:  # FcResultMatch
        return None
    return Path(_FFI.string(value[0]).decode())
