"""Colour contrast, as WCAG 2.1 defines it: relative luminance and contrast ratio.

WCAG 2.1 AA (success criterion 1.4.3) asks for 4.5:1 between text and its background,
or 3:1 for large text (18 pt, or 14 pt bold). ``brand_problems`` applies it to the brand
colours where the default theme prints them: ``brand.color`` as text on white (the
clinic's name in the header is 11 pt bold, so normal-size text: 4.5:1), ``brand.text``
on white, and both on the ``brand.accent`` tint behind table headers and call-out boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

NORMAL_TEXT = 4.5
LARGE_TEXT = 3.0  # kept for themes that use a colour only for large headings
WHITE = "#ffffff"


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def parse_hex(colour: str) -> tuple[int, int, int]:
    """'#1f4e79' or '#fff' -> (31, 78, 121)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    if len(digits) != 6:
        raise ValueError(f"not a colour: {colour!r}")
    red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return red, green, blue


def luminance(colour: str) -> float:
    red, green, blue = (_channel(v) for v in parse_hex(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def ratio(foreground: str, background: str) -> float:
    """The contrast ratio, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def shown(value: float) -> str:
    """A ratio as people quote it, rounded down so a failing one never prints as passing."""
    return f"{int(value * 10) / 10:.1f}:1"


@dataclass(frozen=True)
class Pairing:
    """A text colour on a background the default theme puts it on (``brand_pairings``), and
    the contrast WCAG asks for there."""

    key: str  # the brand key at fault: "color" or "text"
    foreground: str
    background: str
    where: str  # the background in words: "white", "the accent colour '#f2f6fa'"
    needed: float  # the lowest ratio allowed: 4.5 for normal-size text


def brand_pairings(color: str, accent: str, text: str) -> list[Pairing]:
    """Every text colour and background the default theme puts together."""
    return [
        Pairing("color", color, WHITE, "white", NORMAL_TEXT),
        Pairing("text", text, WHITE, "white", NORMAL_TEXT),
        Pairing("color", color, accent, f"the accent colour {accent!r}", NORMAL_TEXT),
        Pairing("text", text, accent, f"the accent colour {accent!r}", NORMAL_TEXT),
    ]


def failures(color: str, accent: str, text: str) -> list[tuple[Pairing, float]]:
    """The first pairing below its needed ratio for each key, with its actual ratio.

    One problem per colour: a colour too light on white is too light on the tint as
    well, and darkening it fixes both.
    """
    out: dict[str, tuple[Pairing, float]] = {}
    for pairing in brand_pairings(color, accent, text):
        actual = ratio(pairing.foreground, pairing.background)
        if actual < pairing.needed and pairing.key not in out:
            out[pairing.key] = (pairing, actual)
    return list(out.values())


def describe(pairing: Pairing, actual: float) -> str:
    """The config error for a failing pairing: which colour, its ratio, what to do."""
    advice = "Choose a darker colour"
    if pairing.where != "white":
        advice += " or a lighter brand.accent (it is behind table headers and call-out boxes)"
    return (
        f"brand.{pairing.key}: {pairing.foreground!r} on {pairing.where} has contrast "
        f"{shown(actual)}; text needs at least {pairing.needed:g}:1. {advice}"
    )
