"""The build date: today, or the date given by SOURCE_DATE_EPOCH.

Every date decision (review due, crisis data freshness, the date printed on a sheet)
uses this one value, so a build can be reproduced and tests can travel in time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from clinic_handouts.errors import UsageError


def build_date(environ: Mapping[str, str]) -> dt.date:
    raw = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return dt.date.today()
    try:
        return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got {raw!r}. "
            "Unset it to build with today's date."
        ) from None
