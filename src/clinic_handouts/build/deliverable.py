"""A built, checked PDF ready to hand out: the one road from "this handout, in this
language and edition" to bytes that may reach a patient.

``handouts email`` and ``handouts print`` both take it, so they refuse exactly the same
things: a handout that does not exist or does not load, an edition it does not have, and
any error the build finds (an overdue review, an outdated crisis contact, stale crisis
data, a render refused for its stamp). The build runs first (a build that is already
current costs nothing), and the PDF is read from where the build wrote it.

Each command words its refusal its own way ("was not sent", "was not printed"): it passes
a ``Refuse`` that turns the problems into its error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clinic_handouts.build.plan import BuildOptions
from clinic_handouts.errors import HandoutError, Problem, UsageError, error
from clinic_handouts.project import paths
from clinic_handouts.project.config import suggest
from clinic_handouts.project.editions import STANDARD, Variant, variants_for
from clinic_handouts.project.load import Project
from clinic_handouts.project.paths import CONFIG_NAME
from clinic_handouts.project.sources import Handout

# Turns "what" (a handout's title and file) and the problems found into the command's error.
Refuse = Callable[[str, list[Problem]], HandoutError]


@dataclass(frozen=True)
class Deliverable:
    """One edition of one handout, built and checked just now."""

    handout: Handout
    variant: Variant
    pdf_path: Path
    pdf: bytes
    warnings: tuple[Problem, ...]  # found by the build; they did not stop it


def usage(message: str) -> UsageError:
    return UsageError([error("", 0, "usage", message)])


def find_handout(project: Project, handout_id: str, lang: str, refuse: Refuse) -> Handout:
    """The loaded handout, or a refusal (it has errors) or a usage error (it is unknown)."""
    matches = [h for h in project.handouts if h.id == handout_id]
    for handout in matches:
        if handout.lang == lang:
            return handout
    # A file that exists but does not load is "has errors", not "unknown".
    rel = f"{paths.HANDOUTS}/{lang}/{handout_id}.md"
    broken = [p for p in project.problems if p.is_error and p.path == rel]
    if broken:
        raise refuse(rel, broken)
    if matches:
        langs = sorted(h.lang for h in matches)
        raise usage(
            f"handout '{handout_id}' has no '{lang}' version; it exists in: {', '.join(langs)}. "
            f"Use --lang {langs[0]}, or write the translation in handouts/{lang}/"
        )
    known = {h.id for h in project.handouts}
    raise usage(
        f"no handout with id '{handout_id}'{suggest(handout_id, known)}. The id is the "
        "file name without .md, like 'panic-attacks' for handouts/en/panic-attacks.md"
    )


def find_variant(handout: Handout, name: str) -> Variant | None:
    """The edition called ``name`` when this handout has it."""
    if name == STANDARD.name:
        return STANDARD
    return next((v for v in variants_for(handout) if v.name == name), None)


def what(handout: Handout) -> str:
    return f"'{handout.title}' ({handout.rel})"


def build_checked(
    project: Project,
    wanted: Sequence[tuple[Handout, Variant]],
    today: dt.date,
    refuse: Refuse,
) -> list[Deliverable]:
    """Build these handouts (one build for all of them) and read each edition's PDF.

    Any error that belongs to one of them, or stale crisis data, refuses the lot: a
    command that hands out several documents hands out all or none.
    """
    from clinic_handouts.build.run import build  # run.py's last step (racks) uses this module

    ids = tuple(dict.fromkeys(h.id for h, _ in wanted))
    report = build(project, BuildOptions(today=today, only=ids))
    rels = {h.rel for h, _ in wanted}
    # Their own problems, and handouts.toml's: stale or soon-stale crisis data, placeholders.
    relevant = [p for p in report.problems if p.path in rels or p.path == CONFIG_NAME]
    errors = [p for p in relevant if p.is_error]
    if errors:
        names = dict.fromkeys(what(h) for h, _ in wanted if any(p.path == h.rel for p in errors))
        raise refuse(
            " and ".join(names) or " and ".join(dict.fromkeys(what(h) for h, _ in wanted)), errors
        )
    made: list[Deliverable] = []
    for handout, variant in wanted:
        key = paths.output_key(handout.lang, handout.slug, variant.suffix)
        pdf_path = project.config.build_dir / key
        try:
            data = pdf_path.read_bytes()
        except OSError:
            raise refuse(
                what(handout),
                [error(handout.rel, 0, "build", f"the build did not write {paths.BUILD}/{key}")],
            ) from None
        warnings = tuple(
            p for p in relevant if not p.is_error and p.path in (handout.rel, CONFIG_NAME)
        )
        made.append(Deliverable(handout, variant, pdf_path, data, warnings))
    return made
