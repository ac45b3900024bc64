"""What may be loaded: the one rule every reader of an address asks.

A handout, a stylesheet, the clinic's logo and the renderer's URL fetcher all meet
addresses. Each asks this module, so the rule is written once:

- a **link** may point to a web page, an email address or a phone number (it is printed,
  never fetched);
- what is **loaded** into a page may be a ``data:`` image embedded in the handout itself,
  or a file inside the project folder or the bundled theme; never a network address,
  another scheme, an absolute path, a file on another computer, a file reached
  through a symbolic link that leads out of those folders, or a file with a second name
  (a hard link, which may be a file outside them).

The functions return the reason for a refusal in words a writer understands; each
caller adds what to do in its own place (an image, a stylesheet, the logo).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

# Schemes a link may use: printed as words and a QR-free address, never fetched.
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
NETWORK_SCHEMES = frozenset({"http", "https", "ftp", "ftps", "ws", "wss"})
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_CONTROLS = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + " "

NETWORK = (
    "network addresses are never fetched; save the file in the project folder and link to it there"
)
OUTSIDE = "this file is outside the project folder; copy it into the project and link to the copy"


def bundled_theme_dir() -> Path:
    return Path(str(resources.files("clinic_handouts") / "theme"))


def allowed_roots(project_root: Path) -> tuple[Path, ...]:
    """The folders anything may be loaded from: the project and the bundled theme."""
    return (project_root.resolve(), bundled_theme_dir().resolve())


def normalize_url(url: str) -> str:
    """The address as a URL parser reads it: tabs and line breaks inside it do not
    count, nor do spaces and control characters around it (so ``jav&#9;ascript:`` is
    ``javascript:``)."""
    return re.sub(r"[\t\n\r]", "", url).strip(_CONTROLS)


def scheme_of(url: str) -> str:
    match = _SCHEME_RE.match(normalize_url(url))
    return match.group(1).lower() if match else ""


def is_network(url: str) -> bool:
    clean = normalize_url(url)
    return scheme_of(clean) in NETWORK_SCHEMES or clean.startswith(("//", "\\\\"))


def refusal(url: str, *, link: bool = False) -> str | None:
    """Why this address may not appear in a handout (``None``: allowed, or a relative
    path, which ``locate`` then checks). ``link``: a link, printed and never fetched,
    rather than something loaded into the page."""
    clean = normalize_url(url)
    scheme = scheme_of(clean)
    if link:
        if not scheme or scheme in LINK_SCHEMES:
            return None
        return (
            f"'{scheme}:' addresses are not allowed in a link; link to a web page "
            "(https://...), an email address (mailto:) or a phone number (tel:)"
        )
    if scheme == "data" and clean[5:].lstrip().lower().startswith("image/"):
        return None  # embedded in the handout file itself
    if is_network(clean):
        return NETWORK
    if scheme:
        return (
            f"'{scheme}:' addresses are not allowed in a handout; put the file in the "
            "project folder and use a relative path"
        )
    if clean.startswith(("/", "\\")):
        return (
            "this file is outside the project folder; copy it into the project and link "
            "to the copy with a relative path"
        )
    return None


Status = Literal["file", "outside", "missing", "linked-outside", "not-a-file"]


@dataclass(frozen=True)
class Located:
    """Where a path leads. ``path`` is the resolved file when ``status`` is "file",
    else the path as written (made absolute, ``..`` applied)."""

    status: Status
    path: Path

    @property
    def ok(self) -> bool:
        return self.status == "file"


def locate(target: Path, roots: tuple[Path, ...]) -> Located:
    """Whether ``target`` is a file inside ``roots`` (already resolved), following
    symbolic links: a link inside the project that leads out of it is refused too."""
    written = Path(os.path.normpath(target))
    if not any(written.is_relative_to(root) for root in roots):
        return Located("outside", written)
    try:
        resolved = target.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a loop of links
        return Located("missing", written)
    if not any(resolved.is_relative_to(root) for root in roots):
        return Located("linked-outside", written)
    if not resolved.is_file():
        return Located("not-a-file", written)
    if resolved.stat().st_nlink > 1:
        # A hard link cannot be told from the file it links to by its path: one inside
        # the project may be a second name of a file outside it. Refused like a link.
        return Located("linked-outside", written)
    return Located("file", resolved)


def file_url_path(url: str) -> Path | None:
    """The local path of a ``file:`` address; ``None`` for a file on another computer."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    return Path(unquote(parts.path))


def loadable(url: str, roots: tuple[Path, ...]) -> Located | str:
    """What the renderer may read for an absolute address (``file:`` or ``data:``):
    a located file, or the reason it is refused. ``data:`` gives a Located of status
    "file" with an empty path: nothing to read from disk."""
    scheme = scheme_of(url)
    if scheme == "data":
        return Located("file", Path())
    if scheme != "file":
        return NETWORK
    path = file_url_path(url)
    if path is None:
        return "files on other computers are never fetched"
    return locate(path, roots)
