"""ShipStation speaks Pacific time (PST/PDT) with no offset, in requests and answers alike.

One pair of functions converts between that and aware UTC; nothing else in the app handles naive
Pacific times. Answers come as `2015-06-29T08:46:27.0000000` (7 fractional digits), `…T15:16:53.707`,
or a bare date `2014-10-03`; requests send `2016-11-29 23:59:59`.

Across the autumn change an hour happens twice (01:00–01:59 Pacific): without an offset there is no
telling which, so the earlier one (PDT) is taken — for a checkpoint with an overlap that errs on the
side of reading again. A time that never existed (02:00–02:59 on the spring change) is read with the
offset in force before the change.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")

_ANSWER = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?:\.(?P<frac>\d+))?)?$"
)


def to_pacific(moment: datetime, *, answer_style: bool = False) -> str:
    """An aware datetime (naive is taken as UTC) as ShipStation writes it: `2016-11-29 23:59:59` in a
    request, or `2016-11-29T23:59:59.0000000` as its answers carry it (the sandbox's form)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(PACIFIC)
    if answer_style:
        return local.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0"
    return local.strftime("%Y-%m-%d %H:%M:%S")


def from_pacific(text: str | None) -> datetime | None:
    """A ShipStation date or datetime (Pacific, no offset) as an aware UTC datetime; None for empty.

    A value that does carry an offset (the sandbox never sends one, ShipStation has not been seen to)
    is honoured rather than shifted a second time.
    """
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    if raw.endswith(("Z", "z")) or re.search(r"[+-]\d{2}:?\d{2}$", raw[10:]):
        explicit = datetime.fromisoformat(raw[:-1] + "+00:00" if raw[-1] in "Zz" else raw)
        return explicit.astimezone(timezone.utc)
    match = _ANSWER.match(raw)
    if not match:
        raise ValueError(f"'{raw}' is not a ShipStation date")
    day = date.fromisoformat(match["date"])
    clock = (match["time"] or "00:00:00").split(":")
    micro = int((match["frac"] or "0")[:6].ljust(6, "0"))
    local = datetime(day.year, day.month, day.day, int(clock[0]), int(clock[1]),
                     int(clock[2]) if len(clock) > 2 else 0, micro, tzinfo=PACIFIC, fold=0)
    return local.astimezone(timezone.utc)

