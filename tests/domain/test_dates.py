"""One date format in local time everywhere, and counts that agree with their noun."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from app.domain.dates import clock, counted, day, number, sort_key, to_local, when

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def test_today_and_yesterday_say_so_older_moments_give_the_date():
    local_now = NOW.astimezone()
    assert when(NOW, now=NOW) == f"Today {local_now:%H:%M}"
    assert when(NOW - timedelta(days=1), now=NOW) == f"Yesterday {(NOW - timedelta(days=1)).astimezone():%H:%M}"
    older = NOW - timedelta(days=3)
    assert when(older, now=NOW) == f"{older.astimezone():%Y-%m-%d %H:%M}"


def test_naive_moments_and_iso_text_are_utc_and_shown_in_local_time():
    naive = datetime(2026, 11, 20, 5, 36)
    aware = naive.replace(tzinfo=timezone.utc)
    assert to_local(naive) == aware.astimezone()
    assert when("2026-11-20T05:36:00Z", now=NOW) == when(aware, now=NOW) == when("2026-11-20T05:36:00", now=NOW)
    assert when(None) == "" and when("", empty="—") == "—" and when("not a date", empty="?") == "?"


def test_day_clock_and_sort_key():
    assert day(date(2026, 3, 4)) == "2026-03-04"
    assert day(datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)) == f"{datetime(2026, 3, 4, 12, tzinfo=timezone.utc).astimezone():%Y-%m-%d}"
    assert clock(NOW) == f"{NOW.astimezone():%H:%M}"
    assert sort_key("2026-01-02T00:00:00Z") > sort_key(datetime(2026, 1, 1, 23, 0)) > sort_key(None)


def test_counts_agree_with_their_noun():
    assert counted(1, "order") == "1 order"
    assert counted(2, "order") == "2 orders"
    assert counted(0, "unit") == "0 units"
    assert counted(1234, "unit") == "1,234 units"
    assert counted(3, "quantity") == "3 quantities"
    assert counted(1, "quantity") == "1 quantity"
    assert counted(2, "box") == "2 boxes"
    assert counted(2, "day") == "2 days"
    assert counted(5, "person", "people") == "5 people"
    assert number(1234567) == "1,234,567"
