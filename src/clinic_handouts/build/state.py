"""build/, owned in one place: the lock, leftover temporary files, the manifest, the check
cache, the catalogue's records and the pruning of outputs whose handout is gone.

A build opens a ``BuildState`` (taking the lock, clearing what a killed build left, reading
the manifest and the check cache) and closes it whatever happened, Ctrl-C and bugs
included: what was made is recorded, outputs of handouts that are gone are removed, every
store is written atomically, and no temporary file stays behind. A full or read-only disk
while saving becomes a problem in the report, never an exception: a store that could not
be saved only makes the next build do more (the PDFs' content hashes keep it from calling
a stale PDF current). Nothing else in the tool writes the build's own bookkeeping.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from clinic_handouts.build.atomic import OutputError, remove_stale_temporaries
from clinic_handouts.build.lock import BuildLock
from clinic_handouts.build.manifest import Manifest, load_manifest, remove_output, save_manifest
from clinic_handouts.build.plan import BuildReport, output_key
from clinic_handouts.catalogue.entries import update_catalogue
from clinic_handouts.checks.cache import CheckCache, load_check_cache
from clinic_handouts.project.editions import VARIANTS, variants_for
from clinic_handouts.project.load import Project


class BuildState:
    """``with BuildState(project, force=..., partial=...) as state:`` see the docstring."""

    def __init__(self, project: Project, *, force: bool, partial: bool) -> None:
        self.project = project
        self.build_dir = project.config.build_dir
        self._force = force  # trust nothing kept in build/
        self._partial = partial  # --only or --lang: keep cache entries of the others
        self._lock = BuildLock(self.build_dir)
        self.manifest = Manifest()
        self.cache: CheckCache | None = None

    def __enter__(self) -> BuildState:
        self._lock.__enter__()
        remove_stale_temporaries(self.build_dir)
        self.manifest = load_manifest(self.build_dir)
        # --force trusts nothing kept in build/: every handout is converted and checked
        # afresh (and the cache written anew), as every PDF is made afresh.
        self.cache = load_check_cache(self.build_dir, reuse=not self._force)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._lock.__exit__(*exc_info)

    def close(self, report: BuildReport) -> None:
        """Record the build (in a ``finally``: also after Ctrl-C or a bug)."""
        for source in report.failed_files:
            self.manifest.mark_failed_source(source)
        report.removed = prune(self.project, self.manifest)
        _saving(report, lambda: save_manifest(self.build_dir, self.manifest))
        cache = self.cache
        if cache is not None:
            _saving(report, lambda: cache.save(self.build_dir, keep_unused=self._partial))
        remove_stale_temporaries(self.build_dir)

    def write_catalogue(self, report: BuildReport, today: dt.date) -> None:
        """build/index.html and its records, from every current output."""
        project = self.project
        _saving(
            report,
            lambda: update_catalogue(
                project.config, project.theme, report.outputs, report.reading_grades, today
            ),
        )


def prune(project: Project, manifest: Manifest) -> list[Path]:
    """Remove the outputs of handouts that are gone and of variants that no longer exist.

    A handout that is still there but has errors right now keeps its last good PDF.
    Only files recorded in the manifest are ever removed.
    """
    build_dir = project.config.build_dir
    variants = {v.name for v in VARIANTS}
    loaded = {h.rel for h in project.handouts}
    # A handout that opted out of an edition (large_print: false) loses that edition's PDF.
    expected = {output_key(h, v) for h in project.handouts for v in variants_for(h)}
    removed: list[Path] = []
    for key, entry in sorted(manifest.entries.items()):
        if key in expected:
            continue
        still_there = (project.config.root / entry.source).is_file()
        if entry.variant in variants and still_there and entry.source not in loaded:
            continue  # the handout cannot be read right now: keep its last PDF
        if remove_output(build_dir, key):
            removed.append(build_dir / key)
        del manifest.entries[key]
    return removed


def _saving(report: BuildReport, save: Callable[[], object]) -> None:
    """Run one of the build's own writes; a full or read-only disk becomes a problem."""
    try:
        save()
    except OutputError as exc:
        report.problems.extend(exc.problems)
