"""Review dates: ``review-overdue`` and ``review-in-future`` (errors), ``review-due-soon``.

A sheet whose review date has passed must not silently keep printing; one that is due
soon is printed with a warning so the reviewer can plan. A review dated after the build
date has not happened yet: it would push the next review years away and switch the
overdue rule off, so it is refused like an overdue one.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from clinic_handouts.errors import Problem, error, warning
from clinic_handouts.project.sources import Handout
from clinic_handouts.text.markdown import BodyHtml

if TYPE_CHECKING:
    from clinic_handouts.checks import CheckContext


def review_status(next_review: dt.date, today: dt.date, due_soon_days: int) -> str:
    """ "overdue", "due-soon" or "current": the one review rule, for the check, the
    catalogue and the desk alike."""
    days = (next_review - today).days
    if days < 0:
        return "overdue"
    if days <= due_soon_days:
        return "due-soon"
    return "current"


def check(handout: Handout, markup: BodyHtml, context: CheckContext) -> list[Problem]:
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
    status = review_status(due, context.today, context.config.due_soon_days)
    if status == "overdue":
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
    if status == "due-soon":
        return [
            warning(
                handout.rel,
                line,
                "review-due-soon",
                f"the review is due on {due}, in {days} days; plan it with the clinical reviewer",
            )
        ]
    return []
