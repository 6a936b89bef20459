"""One way to show a moment, on every screen: local time, "2026-12-01 05:36"; today and yesterday
say so ("Today 05:36", "Yesterday 17:02"). And counts that agree with their noun ("1 order",
"2 orders", "1,234 units").

The database keeps UTC; a naive datetime or an ISO string without a zone is taken as UTC.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

DAY = "%Y-%m-%d"
CLOCK = "%H:%M"


def to_local(moment: datetime | str | None) -> datetime | None:
    if moment is None or moment == "":
        return None
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone()


def when(moment: datetime | str | None, *, now: datetime | None = None, empty: str = "") -> str:
    """"Today 05:36", "Yesterday 17:02" or "2026-11-28 09:15", in this computer's time zone."""
    local = to_local(moment)
    if local is None:
        return empty
    today = (now.astimezone() if now is not None else datetime.now().astimezone()).date()
    if local.date() == today:
        return f"Today {local:{CLOCK}}"
    if local.date() == today - timedelta(days=1):
        return f"Yesterday {local:{CLOCK}}"
    return f"{local:{DAY} {CLOCK}}"


def day(moment: datetime | date | str | None, *, empty: str = "") -> str:
    """The local date alone: "2026-12-01"."""
    if isinstance(moment, date) and not isinstance(moment, datetime):
        return f"{moment:{DAY}}"
    local = to_local(moment)
    return f"{local:{DAY}}" if local is not None else empty


def clock(moment: datetime | str | None = None) -> str:
    """The local time of day, "05:36" (now when no moment is given): for lines that are about now."""
    local = to_local(moment) if moment is not None else datetime.now().astimezone()
    return f"{local:{CLOCK}}" if local is not None else ""


def sort_key(moment: datetime | str | None) -> str:
    """Sorts moments in time order (UTC ISO text; empty first). Lists re-sort thousands of rows on
    every refresh: a datetime from the database (UTC, naive or not) takes the short way."""
    if isinstance(moment, datetime):
        return _utc_text(moment)
    local = to_local(moment)
    return local.astimezone(timezone.utc).isoformat() if local is not None else ""


@lru_cache(maxsize=65536)
def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() == timedelta(0):
        return moment.replace(tzinfo=None).isoformat() + "+00:00"
    return moment.astimezone(timezone.utc).isoformat()


def number(value: int) -> str:
    """A whole number with thousands separators: 1,234."""
    return f"{value:,}"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """"1 order", "2 orders", "0 orders", "1,234 units"; give `plural` for irregular nouns."""
    word = noun if count == 1 else (plural or _plural(noun))
    return f"{number(count)} {word}"


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"
