"""Pacific time without an offset <-> aware UTC, across both 2026 DST changes; carrier display names."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.integrations.shipstation.carriers import carrier_display_name
from app.integrations.shipstation.dates import from_pacific, to_pacific

UTC = timezone.utc


@pytest.mark.parametrize("utc, pacific", [
    (datetime(2026, 1, 15, 20, 0, tzinfo=UTC), "2026-01-15 12:00:00"),  # PST, UTC-8
    (datetime(2026, 7, 15, 19, 0, tzinfo=UTC), "2026-07-15 12:00:00"),  # PDT, UTC-7
    # spring forward, Sunday 8 March 2026 at 02:00 PST -> 03:00 PDT (10:00 UTC)
    (datetime(2026, 3, 8, 9, 59, 59, tzinfo=UTC), "2026-03-08 01:59:59"),
    (datetime(2026, 3, 8, 10, 0, 0, tzinfo=UTC), "2026-03-08 03:00:00"),
    # fall back, Sunday 1 November 2026 at 02:00 PDT -> 01:00 PST (09:00 UTC)
    (datetime(2026, 11, 1, 8, 30, tzinfo=UTC), "2026-11-01 01:30:00"),
    (datetime(2026, 11, 1, 10, 30, tzinfo=UTC), "2026-11-01 02:30:00"),
])
def test_utc_to_pacific_and_back_across_both_changes(utc, pacific):
    assert to_pacific(utc) == pacific
    assert from_pacific(pacific) == utc
    assert from_pacific(to_pacific(utc, answer_style=True)) == utc


def test_an_hour_apart_in_utc_is_an_hour_apart_after_the_round_trip_across_spring_forward():
    before = datetime(2026, 3, 8, 9, 30, tzinfo=UTC)
    after = before + timedelta(hours=1)
    assert to_pacific(before) == "2026-03-08 01:30:00"
    assert to_pacific(after) == "2026-03-08 03:30:00"  # the clock jumped over 02:xx
    assert from_pacific(to_pacific(after)) - from_pacific(to_pacific(before)) == timedelta(hours=1)


def test_the_repeated_hour_in_autumn_reads_as_the_earlier_one_so_a_checkpoint_reads_again():
    # 01:30 happens at 08:30 UTC (PDT) and again at 09:30 UTC (PST); the earlier is taken.
    assert from_pacific("2026-11-01 01:30:00") == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)


def test_answer_shapes_shipstation_uses():
    assert from_pacific("2015-06-29T08:46:27.0000000") == datetime(2015, 6, 29, 15, 46, 27, tzinfo=UTC)
    assert from_pacific("2016-02-16T15:16:53.707") == datetime(2016, 2, 16, 23, 16, 53, 707000, tzinfo=UTC)
    assert from_pacific("2014-10-03") == datetime(2014, 10, 3, 7, 0, tzinfo=UTC)
    assert from_pacific("") is None and from_pacific(None) is None
    assert from_pacific("2016-02-16T15:16:53Z") == datetime(2016, 2, 16, 15, 16, 53, tzinfo=UTC)
    with pytest.raises(ValueError):
        from_pacific("yesterday")


def test_naive_datetimes_are_taken_as_utc():
    assert to_pacific(datetime(2026, 1, 15, 20, 0)) == "2026-01-15 12:00:00"


@pytest.mark.parametrize("code, name", [
    ("stamps_com", "USPS"), ("usps", "USPS"), ("endicia", "USPS"), ("ups", "UPS"), ("fedex", "FedEx"),
    ("dhl_express", "DHL Express"), ("royal_mail", "royal_mail"), ("FedEx", "FedEx"), ("USPS", "USPS"),
    ("", ""), (None, ""),
])
def test_carrier_display_names(code, name):
    assert carrier_display_name(code) == name
