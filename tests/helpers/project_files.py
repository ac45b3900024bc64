"""A test project written to disk from {relative path: text or bytes}, and small valid
pictures whose bytes a test can change: what the project factory and the module-scoped
built projects share."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from PIL import Image


def write_project(root: Path, files: Mapping[str, str | bytes], config: str) -> Path:
    """``root`` with ``handouts.toml`` holding ``config`` and every file of ``files``
    (text as UTF-8, bytes as they are); folders are made as needed."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "handouts.toml").write_text(config, encoding="utf-8")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def built_project(root: Path, files: Mapping[str, str | bytes], config: str) -> Path:
    """``write_project``, then one in-process build on the tests' date that must succeed."""
    from clinic_handouts.build.plan import BuildOptions
    from clinic_handouts.build.run import build
    from clinic_handouts.project.load import load_project
    from tests.conftest import TODAY

    write_project(root, files, config)
    report = build(load_project(root, TODAY), BuildOptions(today=TODAY))
    assert report.ok, report.problems
    return root


def picture(color: str | tuple[int, int, int] = "red", size: tuple[int, int] = (40, 20)) -> bytes:
    """A PNG of one colour (Pillow writes it, so it is always valid)."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def png(red: int) -> bytes:
    """A small (8x8), valid PNG whose bytes depend on ``red``."""
    return picture((red, 90, 160), (8, 8))
