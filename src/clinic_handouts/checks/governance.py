"""Review dates: ``review-overdue`` and ``review-in-future`` (errors), ``review-due-soon``.

A sheet whose review date has passed must not silently keep printing; one that is due
soon is printed with a warning so the reviewer can plan. A review dated after the build
date has not happened yet: it would push the next review years away and switch the
overdue rule off, so it is refused like an overdue one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clinic_handouts.errors import Problem, error, warning
from clinic_handouts.project.sources import Handout
from clinic_handouts.text.markdown import Markup

if TYPE_CHECKING:
    from clinic_handouts.checks import CheckContext


def check(handout: Handout, markup: Markup, context: CheckContext) -> list[Problem]:
    if handout.reviewed_on > context.today:
        return [
            error(
                handout.rel,
                handout.line_of("reviewed_on"),
                "review-in-future",
                f"reviewed_on: {handout.reviewed_on} is after today ({context.today}). "
                "Write the date the clinical reviewer actually checked the handout",
            )
        ]
    line = handout.meta_lines.get("next_review") or handout.line_of("reviewed_on")
    due = handout.next_review
    days = (due - context.today).days
    if days < 0:
        return [
            error(
                handout.rel,
                line,
                "review-overdue",
                f"the review was due on {due} ({-days} days ago). Ask the clinical "
                "reviewer to check the handout, then update reviewed_on (and "
                "next_review, if set)",
            )
        ]
    if days <= context.config.due_soon_days:
        return [
            warning(
                handout.rel,
                line,
                "review-due-soon",
                f"the review is due on {due}, in {days} days; plan it with the clinical reviewer",
            )
        ]
    return []
