"""Review dates: ``review-overdue`` (error) and ``review-due-soon`` (warning).

A sheet whose review date has passed must not silently keep printing; one that is due
soon is printed with a warning so the reviewer can plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clinic_handouts.errors import Problem, error, warning
from clinic_handouts.project.sources import Handout
from clinic_handouts.text.markdown import Markup

if TYPE_CHECKING:
    from clinic_handouts.checks import CheckContext


def check(handout: Handout, markup: Markup, context: CheckContext) -> list[Problem]:
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
