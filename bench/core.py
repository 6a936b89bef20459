"""Core measurements on a built database: scan verdicts, calculated quantities, CSV import, floor.

Every measurement goes through the same service functions the app uses (fulfilment.commit_unit,
quantities.calculated_quantities / affected_listings, csv_import.import_inventory), each in its own
session and transaction opened from `app.db.open_database`, like the packing station and the sync.
"""

from __future__ import annotations

import gc
import os
import random
import resource
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, select, text

from app.db import Database, open_database, sqlite_path
from app.domain import csv_import, fulfilment, quantities
from app.domain.errors import ScanRefused
from app.domain.quantities import Scope
from app.domain.scan_transaction import scanning
from app.models import InventoryStatus

from bench.build import IMPORT_TAC_BASE, _fast_luhn
from bench.keys import import_key


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def stats_ms(samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {"n": len(ms), "p50": round(percentile(ms, 50), 3), "p95": round(percentile(ms, 95), 3),
            "p99": round(percentile(ms, 99), 3), "max": round(max(ms), 3) if ms else float("nan")}


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB."""
    current = peak = 0.0
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    current = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return round(current, 1), round(peak, 1)


def database_size_mb(db: Database) -> float:
    path = sqlite_path(db.url)
    if path is not None:
        total = sum(os.path.getsize(str(path) + sfx) for sfx in ("", "-wal") if os.path.exists(str(path) + sfx))
        return round(total / 1e6, 1)
    with db.engine.connect() as conn:
        return round(conn.scalar(text("SELECT pg_database_size(current_database())")) / 1e6, 1)


# ---- the calculated-quantity query and its plan -----------------------------------------------

class _Capture:
    """Remembers the SQL statements an engine runs, to EXPLAIN them afterwards."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.seen: list[tuple[str, object]] = []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._hook)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hook)

    def _hook(self, _conn, _cursor, statement, parameters, _context, _many):
        self.seen.append((statement, parameters))


def explain_quantities(db: Database, scope: Scope | None = None) -> tuple[str, list[str]]:
    """The plan of the grouped calculated-quantity statement (all listings)."""
    with _Capture(db.read_engine) as cap, db.reads() as s:
        quantities.calculated_quantities(s, scope=scope)
    statement, params = next((st, p) for st, p in cap.seen if "remaining AS" in st)
    raw = db.read_engine.raw_connection()
    try:
        cur = raw.cursor()
        if db.is_sqlite:
            cur.execute("EXPLAIN QUERY PLAN " + statement, params)
            lines = [" " * 2 * (row[1] != 0) + str(row[3]) for row in cur.fetchall()]
        else:
            cur.execute("EXPLAIN " + statement, params)
            lines = [row[0] for row in cur.fetchall()]
        cur.close()
    finally:
        raw.close()
    return statement, lines


def time_quantities(db: Database, runs: int = 3, scope: Scope | None = None) -> dict:
    times = []
    n = written = 0
    for _ in range(runs):
        with db.reads() as s:
            t0 = time.perf_counter()
            result = quantities.calculated_quantities(s, scope=scope)
            times.append(time.perf_counter() - t0)
        n = len(result)
        written = sum(1 for q in result.values() if q.calculated is not None)
    return {"first_s": round(times[0], 4), "median_s": round(statistics.median(times), 4),
            "best_s": round(min(times), 4), "listings": n, "with_quantity": written}


# ---- scans -----------------------------------------------------------------------------------

@dataclass
class PlannedScan:
    order_number: str
    code: str
    expect: str  # "ok" or the refusal reason


def _status_id(s, name: str) -> int:
    return s.scalar(select(InventoryStatus.id).where(InventoryStatus.name == name))


def plan_scans(db: Database, successes: int, refusals_each: int, rng: random.Random) -> tuple[list[PlannedScan], list[tuple]]:
    """Scans that should commit (free Available units for lines with room) and scans that should be refused.

    Returns the plan and, for the LINE_COMPLETE check run at the end, (order number, line's variation) of
    lines the plan fills completely."""
    with db.reads() as s:
        avail = _status_id(s, "Available")
        lines = s.execute(text("""
            SELECT o.number, o.id, l.id, l.variation_id, l.sku_norm,
                   l.quantity - (SELECT COUNT(*) FROM commitments c WHERE c.line_id = l.id
                                 AND (c.active OR c.shipped_at IS NOT NULL)) AS room
            FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN order_statuses os ON os.id = o.status_id
            WHERE os.allows_commit AND os.is_open AND NOT l.closed AND NOT l.unmapped
            ORDER BY o.id, l.id""")).all()
        lines_by_order: dict[int, list] = {}
        for row in lines:
            lines_by_order.setdefault(row[1], []).append(row)
        order_ids = list(lines_by_order)
        rng.shuffle(order_ids)
        free_sql = """
            SELECT u.id, uc.code FROM units u JOIN unit_codes uc ON uc.unit_id = u.id AND uc.kind IN ('imei', 'serial')
            WHERE u.status_id = :avail AND {match}
              AND NOT EXISTS (SELECT 1 FROM commitments c WHERE c.unit_id = u.id AND c.active)
            LIMIT :n"""
        taken: set[int] = set()
        plan: list[PlannedScan] = []
        full_lines: list[tuple] = []
        for oid in order_ids:
            if len(plan) >= successes:
                break
            for number, _oid, lid, vid, sku_norm, room in lines_by_order[oid]:
                if room <= 0 or len(plan) >= successes:
                    continue
                if vid is not None:
                    rows = s.execute(text(free_sql.format(match="u.variation_id = :v")),
                                     {"avail": avail, "v": vid, "n": room + 20}).all()
                else:
                    rows = s.execute(text(free_sql.format(
                        match="u.variation_id IN (SELECT id FROM variations WHERE sku_norm = :sku)")),
                        {"avail": avail, "sku": sku_norm, "n": room + 20}).all()
                rows = [r for r in rows if r[0] not in taken]
                picked = rows[:room]
                for uid, code in picked:
                    taken.add(uid)
                    plan.append(PlannedScan(number, code, "ok"))
                if len(picked) == room and vid is not None and len(rows) > room and len(lines_by_order[oid]) == 1:
                    extra_uid, extra_code = rows[room]
                    taken.add(extra_uid)
                    full_lines.append((number, extra_code))
        numbers = [lines_by_order[o][0][0] for o in order_ids[:50]]

        def code_of(where: str, params: dict | None = None, n: int = refusals_each) -> list[str]:
            return list(s.scalars(text(f"""SELECT uc.code FROM unit_codes uc JOIN units u ON u.id = uc.unit_id
                                            WHERE uc.kind IN ('imei', 'serial') AND {where} LIMIT {n}"""), params or {}))

        refusals: list[PlannedScan] = []
        for code in code_of("u.status_id = :st", {"st": _status_id(s, "Sold")}):
            refusals.append(PlannedScan(rng.choice(numbers), code, fulfilment.ALREADY_SHIPPED))
        for code in code_of("u.status_id = :st", {"st": _status_id(s, "Repair")}):
            refusals.append(PlannedScan(rng.choice(numbers), code, fulfilment.NOT_SELLABLE))
        for code in code_of("EXISTS (SELECT 1 FROM commitments c WHERE c.unit_id = u.id AND c.active)"):
            refusals.append(PlannedScan(rng.choice(numbers), code, fulfilment.ALREADY_COMMITTED))
        for i in range(refusals_each):
            refusals.append(PlannedScan(rng.choice(numbers), _fast_luhn(f"{IMPORT_TAC_BASE - 1 - i:08d}{i:06d}"),
                                        fulfilment.UNKNOWN_UNIT))
            good = _fast_luhn(f"35{i:06d}{i:06d}")
            refusals.append(PlannedScan(rng.choice(numbers), good[:-1] + str((int(good[-1]) + 1) % 10),
                                        fulfilment.INVALID_CODE))
        # matches no line: a free Available unit whose variation and SKU no line of the order wants
        candidates = s.execute(text("""
            SELECT uc.code, u.variation_id, v.sku_norm FROM units u JOIN unit_codes uc ON uc.unit_id = u.id
            JOIN variations v ON v.id = u.variation_id
            WHERE u.status_id = :avail AND uc.kind = 'imei'
              AND NOT EXISTS (SELECT 1 FROM commitments c WHERE c.unit_id = u.id AND c.active)
            ORDER BY u.id DESC LIMIT 200"""), {"avail": avail}).all()
        added = 0
        for code, vid, sku_norm in candidates:
            oid = rng.choice(order_ids[:50])
            wanted = lines_by_order[oid]
            if any(r[3] == vid or (r[4] is not None and r[4] == sku_norm) for r in wanted):
                continue
            refusals.append(PlannedScan(wanted[0][0], code, fulfilment.NO_MATCHING_LINE))
            added += 1
            if added >= refusals_each:
                break
    scans = plan + refusals
    rng.shuffle(scans)
    return scans, full_lines


def run_scans(db: Database, scans: list[PlannedScan], full_lines: list[tuple], after_scan: bool = True) -> dict:
    """Commit each planned scan in its own transaction; after each committed one, recompute the
    affected listings' quantities the way the sync would."""
    ok_t: list[float] = []
    refused_t: dict[str, list[float]] = {}
    unexpected: list[str] = []
    after_t: list[float] = []
    affected_sizes: list[int] = []
    scope = None
    extra = [PlannedScan(number, code, fulfilment.LINE_COMPLETE) for number, code in full_lines[:10]]
    for scan in scans + extra:
        t0 = time.perf_counter()
        try:
            with scanning(db) as s:
                verdict = fulfilment.commit_unit(s, scan.order_number, scan.code)
            outcome = "ok"
        except ScanRefused as exc:
            verdict = None
            outcome = exc.reason
        elapsed = time.perf_counter() - t0
        if outcome == "ok":
            ok_t.append(elapsed)
        else:
            refused_t.setdefault(outcome, []).append(elapsed)
        if outcome != scan.expect:
            unexpected.append(f"{scan.code} on {scan.order_number}: expected {scan.expect}, got {outcome}")
        if verdict is not None and after_scan:
            with db.reads() as s:
                t0 = time.perf_counter()
                scope = scope or Scope.load(s)
                ids = quantities.affected_listings(s, verdict.changes, scope)
                quantities.calculated_quantities(s, ids, scope)
                after_t.append(time.perf_counter() - t0)
                affected_sizes.append(len(ids))
    all_refused = [t for ts in refused_t.values() for t in ts]
    return {
        "ok": stats_ms(ok_t),
        "refused": stats_ms(all_refused) if all_refused else {"n": 0},
        "refused_by_reason": {k: stats_ms(v) for k, v in sorted(refused_t.items())},
        "unexpected": unexpected,
        "after_scan": stats_ms(after_t) if after_t else {"n": 0},
        "affected_listings_mean": round(statistics.mean(affected_sizes), 2) if affected_sizes else 0,
        "first_ok_ms": round(ok_t[0] * 1000, 3) if ok_t else None,
    }


# ---- floor -----------------------------------------------------------------------------------

def floor_lookup(db: Database, n: int, rng: random.Random) -> dict:
    with db.engine.connect() as conn:
        top = conn.scalar(text("SELECT MAX(id) FROM units")) or 1
        ids = [rng.randint(1, top) for _ in range(n)]
        codes = list(conn.scalars(text("SELECT code FROM unit_codes WHERE unit_id IN (%s)" % ",".join(map(str, ids)))))
        rng.shuffle(codes)
        stmt = text("SELECT unit_id FROM unit_codes WHERE code = :c")
        times = []
        for code in codes[:n]:
            t0 = time.perf_counter()
            conn.execute(stmt, {"c": code}).scalar()
            times.append(time.perf_counter() - t0)
        conn.rollback()
    return stats_ms(times)


# ---- CSV import ------------------------------------------------------------------------------

HEADER = "imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,sku,cost,serial,imei2"


def _csv_field(value: str) -> str:
    return f'"{value}"' if ("," in value or '"' in value) else value


def make_import_csv(db: Database, rows: int, rng: random.Random) -> str:
    """`rows` new units: 95 % of existing variations (with their own SKU half the time), 5 % of new
    products; new unique IMEIs (TACs the builder never uses), a few serial-only and dual-SIM ones."""
    with db.reads() as s:
        top = s.scalar(text("SELECT MAX(id) FROM variations")) or 1
        sample = sorted({rng.randint(1, top) for _ in range(min(3000, top))})
        variations = s.execute(text("""
            SELECT v.id, p.manufacturer, p.model, p.model_number, p.network, p.capacity, p.color, g.name, v.sku,
                   (SELECT GROUP_CONCAT_PLACEHOLDER FROM variation_conditions vc JOIN conditions c ON c.id = vc.condition_id
                    WHERE vc.variation_id = v.id)
            FROM variations v JOIN products p ON p.id = v.product_id JOIN grades g ON g.id = v.grade_id
            WHERE v.id IN (%s)""".replace(
                "GROUP_CONCAT_PLACEHOLDER",
                "group_concat(c.code, ';')" if db.is_sqlite else "string_agg(c.code, ';')")
            % ",".join(map(str, sample)))).all()
        grades = list(s.scalars(text("SELECT name FROM grades")))
        # Each import gets TACs above any earlier import's, so re-running on a kept database never collides.
        highest = s.scalar(text("SELECT MAX(code) FROM unit_codes WHERE code >= '99' AND code < '9:'"))
        tac_base = max(IMPORT_TAC_BASE, int(highest[:8]) + 1) if highest else IMPORT_TAC_BASE
        warehouses = list(s.scalars(text("SELECT name FROM warehouses")))
    statuses = ["Available"] * 8 + ["Processing", "Incoming"]
    numbers = rng.sample(range(1_000_000 * min(50, 99_999_999 - tac_base)), rows * 2)
    out = [HEADER]
    colours = ("Black", "Forest Green", "Sky Blue", "Transparent")
    for i in range(rows):
        t, snr = divmod(numbers[i], 1_000_000)
        imei = _fast_luhn(f"{tac_base + t:08d}{snr:06d}")
        serial = imei2 = ""
        if i % 40 == 0:
            imei, serial = "", f"IMP{tac_base}-{i:07d}"
        elif i % 10 == 0:
            t2, snr2 = divmod(numbers[rows + i], 1_000_000)
            imei2 = _fast_luhn(f"{tac_base + t2:08d}{snr2:06d}")
        status = rng.choice(statuses)
        warehouse = rng.choice(warehouses)
        cost = f"{rng.randint(40, 700)}.{rng.randint(0, 99):02d}"
        if i % 20 == 0 or not variations:  # a new product line
            grade = rng.choice(grades)
            cap = rng.choice(("128GB", "256GB"))
            col = rng.choice(colours)
            fields = ["Fairphone", "5", "FP5", "Unlocked", cap, col, grade, "", f"FP-5-{cap}-{grade.replace('+', 'P')}"]
        else:
            v = variations[i % len(variations)]
            fields = [v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[9] or "", (v[8] or "") if i % 2 else ""]
        m, mo, num, net, cap, col, grade, conds, sku = fields
        out.append(",".join(_csv_field(x) for x in (imei, m, mo, num, net, cap, col, grade, conds, status, warehouse,
                                                     sku, cost, serial, imei2)))
    return "\n".join(out) + "\n"


def _import_file(csv_text: str) -> Path:
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", prefix="bench-import-", delete=False, encoding="utf-8")
    with handle:
        handle.write(csv_text)
    return Path(handle.name)


def time_import(db: Database, csv_text: str) -> dict:
    """The import the Inventory tab and `refurbdesk import-inventory` run, from a file on disk."""
    path = _import_file(csv_text)
    try:
        t0 = time.perf_counter()
        result = csv_import.import_csv(db, path)
        elapsed = time.perf_counter() - t0
    finally:
        path.unlink(missing_ok=True)
    return {"seconds": round(elapsed, 3), "units": result.units, "new_products": result.new_products,
            "new_variations": result.new_variations}


SCAN_PACE_S = 1 / 3  # a packer's pace: about three scans a second


def scans_during_import(db: Database, csv_text: str, planned: list[PlannedScan]) -> dict:
    """Scans back to back at SCAN_PACE_S, each in its own transaction, for as long as an import of
    `csv_text` runs in another thread. A scan that raises anything but its verdict is a failure."""
    path = _import_file(csv_text)
    finished = threading.Event()
    outcome: dict = {}

    def run_import() -> None:
        t0 = time.perf_counter()
        try:
            outcome["units"] = csv_import.import_csv(db, path).units
        except Exception as exc:  # reported in the JSON
            outcome["error"] = repr(exc)
        outcome["seconds"] = round(time.perf_counter() - t0, 3)
        finished.set()

    times: list[float] = []
    failures: list[str] = []
    thread = threading.Thread(target=run_import, name="bench-import")
    try:
        thread.start()
        ran_out = True
        for scan in planned:
            if finished.is_set():
                ran_out = False
                break
            started = time.perf_counter()
            try:
                with scanning(db) as s:
                    fulfilment.commit_unit(s, scan.order_number, scan.code)
                times.append(time.perf_counter() - started)
            except ScanRefused as exc:
                times.append(time.perf_counter() - started)
                if exc.reason != scan.expect:
                    failures.append(f"{scan.code}: refused ({exc.reason})")
            except Exception as exc:  # "database is locked" and the like: the scan failed
                failures.append(f"{scan.code}: {exc!r}"[:300])
            finished.wait(max(0.0, SCAN_PACE_S - (time.perf_counter() - started)))
        thread.join()
    finally:
        path.unlink(missing_ok=True)
    return {"scans": stats_ms(times) if times else {"n": 0}, "failures": len(failures), "failed": failures[:20],
            "import_seconds": outcome.get("seconds"), "import_units": outcome.get("units"),
            "import_error": outcome.get("error"), "ran_out_of_planned_scans": ran_out}


def durability(db: Database) -> dict:
    """The settings the run wrote with: an fsync-less database measures something else."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            names = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
            sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            return {"sqlite_synchronous": names.get(sync, sync),
                    "sqlite_journal_mode": conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
                    "sqlite_version": conn.exec_driver_sql("SELECT sqlite_version()").scalar()}
        return {name: conn.exec_driver_sql(f"SHOW {name}").scalar()
                for name in ("fsync", "synchronous_commit", "full_page_writes", "wal_level", "server_version")}


# ---- everything ------------------------------------------------------------------------------

def measure(url: str, *, scans: int = 300, import_rows: int = 100_000, floor_n: int = 2000, seed: int = 1,
            log=None) -> dict:
    """Run every measurement on the database at `url`; returns the results (unprefixed keys)."""
    say = log or (lambda _msg: None)
    rng = random.Random(seed + 1)
    db = open_database(url)
    out: dict = {}
    try:
        gc.collect()
        say("measuring: floor lookups")
        floor = floor_lookup(db, floor_n, rng)
        out["floor_imei_lookup_p95_ms"] = floor["p95"]
        out["floor_imei_lookup"] = floor

        say("measuring: calculated quantities (sku mode)")
        # The first run is what a user meets after a start (nothing of the statement or its pages
        # warmed by an identical run just before): it is the headline; median and best are kept too.
        q = time_quantities(db)
        out["quantities_all_listings_s"] = q["first_s"]
        out["quantities_all_listings"] = q
        statement, plan = explain_quantities(db)
        out["quantities_plan"] = plan
        out["quantities_plan_uses_status_index"] = any("ix_units_status_warehouse_variation" in line for line in plan)
        with db.reads() as s:
            sc = Scope.load(s)
        vscope = Scope(sc.status_ids, sc.warehouse_ids, "variation")
        say("measuring: calculated quantities (variation mode)")
        qv = time_quantities(db, scope=vscope)
        out["quantities_all_listings_variation_mode_s"] = qv["first_s"]
        out["quantities_all_listings_variation_mode"] = qv
        _stmt, vplan = explain_quantities(db, vscope)
        out["quantities_variation_mode_plan"] = vplan

        say("measuring: scans")
        refusals_each = max(1, scans // 60)
        plan_list, full_lines = plan_scans(db, scans - 6 * refusals_each, refusals_each, rng)
        sr = run_scans(db, plan_list, full_lines)
        out["scan_verdict_p50_ms"] = sr["ok"]["p50"]
        out["scan_verdict_p95_ms"] = sr["ok"]["p95"]
        out["scan_verdict_p99_ms"] = sr["ok"]["p99"]
        out["scan_refusal_p95_ms"] = sr["refused"].get("p95")
        out["quantities_after_scan_ms"] = sr["after_scan"].get("p95")
        out["quantities_after_scan_p50_ms"] = sr["after_scan"].get("p50")
        out["scans"] = sr

        say(f"measuring: CSV import of {import_rows:,} units (generating the file)")
        imp = time_import(db, make_import_csv(db, import_rows, rng))
        out[import_key(import_rows)] = imp["seconds"]
        out["import_rows"] = import_rows
        out["import"] = imp

        say(f"measuring: scans at a packer's pace while another {import_rows:,}-unit import runs")
        during_plan, _ = plan_scans(db, 400, 0, rng)
        during = scans_during_import(db, make_import_csv(db, import_rows, rng), during_plan)
        # Service layer (no window): the GUI window bench reports scan_during_import_* on the full window.
        out["service_scan_during_import_p95_ms"] = during["scans"].get("p95")
        out["service_scan_during_import_failures"] = during["failures"]
        out["service_scan_during_import"] = during

        out["durability"] = durability(db)
        gc.collect()
        out["db_size_mb"] = database_size_mb(db)
        out["rss_mb"], out["rss_peak_mb"] = rss_mb()
    finally:
        db.dispose()
    return out
