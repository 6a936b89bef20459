"""The bench runs end to end at a tiny size and reports every key with a sane value."""

from __future__ import annotations

import json
import math

import pytest

from bench.__main__ import main, parse_args, run

KEYS = (
    "scan_verdict_p50_ms", "scan_verdict_p95_ms", "scan_verdict_p99_ms", "scan_refusal_p95_ms",
    "quantities_all_listings_s", "quantities_all_listings_variation_mode_s", "quantities_after_scan_ms",
    "import_1k_units_s", "floor_imei_lookup_p95_ms", "db_size_mb", "rss_mb", "build_s",
)


def test_bench_smoke(tmp_path):
    out = tmp_path / "bench.json"
    db = tmp_path / "bench.sqlite3"
    assert main(["--units", "2000", "--variations", "200", "--listings", "50", "--import-rows", "1000",
                 "--scans", "60", "--db", f"sqlite:///{db}", "--json", str(out), "--quiet"]) == 0
    results = json.loads(out.read_text())
    for key in KEYS:
        value = results[key]
        assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, (key, value)
    assert results["build"]["units"] == 2000
    assert results["build"]["variations"] == 200
    assert results["build"]["listings"] == 50
    assert results["import"]["units"] == 1000 and results["import_rows"] == 1000
    assert not any("100k" in key for key in results)  # key names say the size that ran
    assert results["quantities_all_listings_s"] == results["quantities_all_listings"]["first_s"]  # cold run
    assert results["durability"]["sqlite_synchronous"] == "NORMAL"
    during = results["service_scan_during_import"]
    assert during["import_units"] == 1000 and during["import_error"] is None
    assert results["service_scan_during_import_failures"] == 0 and during["failed"] == []
    scans = results["scans"]
    assert scans["ok"]["n"] >= 20
    assert scans["unexpected"] == []
    # every refusal kind the packing station has was exercised, each refused for its own reason
    assert {"already_committed", "already_shipped", "invalid_code", "not_sellable", "unknown_unit",
            "no_matching_line"} <= set(scans["refused_by_reason"])
    assert results["scans"]["after_scan"]["n"] == scans["ok"]["n"]
    assert results["quantities_plan_uses_status_index"] is True
    assert not db.exists()  # removed without --keep


@pytest.mark.postgres
def test_bench_smoke_on_postgresql(tmp_path, pg_database_url):
    """The same run on PostgreSQL, where reads have a pool of their own: every key is there."""
    out = tmp_path / "bench.json"
    assert main(["--units", "2000", "--variations", "200", "--listings", "50", "--import-rows", "1000",
                 "--scans", "60", "--db", pg_database_url, "--json", str(out), "--quiet"]) == 0
    results = json.loads(out.read_text())
    for key in KEYS:
        value = results["pg_" + key]
        assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, (key, value)
    assert results["pg_scans"]["unexpected"] == []
    assert results["pg_quantities_plan"]  # the statement was caught on the reads' own pool
    assert results["pg_durability"]["fsync"] in ("on", "off")  # recorded (the test cluster runs without)


def test_bench_keys_get_pg_prefix_on_postgresql(monkeypatch):
    import bench.__main__ as entry

    monkeypatch.setattr(entry, "build_in_child", lambda *a, **k: {"units": 1})
    monkeypatch.setattr(entry.core, "measure", lambda *a, **k: {"scan_verdict_p95_ms": 1.0})
    results = run(parse_args(["--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "--quiet"]))
    assert results["pg_scan_verdict_p95_ms"] == 1.0
    assert "scan_verdict_p95_ms" not in results
    assert results["database"] == "postgresql"


def test_sized_key_names():
    from bench.keys import import_key, size_tag, sync_full_key

    assert [size_tag(n) for n in (1_000_000, 100_000, 10_000, 2_500)] == ["1m", "100k", "10k", "2500"]
    assert import_key(100_000) == "import_100k_units_s" and sync_full_key(2_000) == "sync_full_2k_listings_s"
