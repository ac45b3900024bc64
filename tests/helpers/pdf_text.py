"""What a reader's PDF tool finds in a whole PDF: which of the phrases a test expects it
does not show (an empty list when every one is there)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tests.conftest import pdf_pages


def not_printed(pdf: Path, phrases: Iterable[str]) -> list[str]:
    """The phrases that are not in the text of ``pdf``'s pages (joined by spaces)."""
    text = " ".join(pdf_pages(pdf))
    return [phrase for phrase in phrases if phrase not in text]
