"""Build a large, realistic RefurbDesk database quickly (the bench's fixture).

`build_database(url, units, variations, listings, seed=1)` creates the schema with the app's own
`initialize()` (Alembic + defaults), then fills every table with bulk writes: ids are assigned in
Python, rows go in with sqlite3 `executemany` (journal and fsync off during the build only) or
PostgreSQL `COPY`, and the secondary indexes of the big tables are dropped first and recreated
afterwards from their exact stored definitions.

What the data looks like:
- products from real-looking catalogues (Apple, Samsung, Google, …: model, model number, network,
  capacity, colour); variations = product × one of the 5 grades × a condition set of 0–3 codes;
- SKUs shared by several variations (same model/capacity/grade/colour whatever the network or
  damage), `catalog.sku_unique` = false; ~8 % of variations carry no SKU;
- units spread unevenly over variations (a few popular variations hold many units), statuses
  mostly Available, many Sold, some Processing/Repair/Returned/…, 4 warehouses of which 2 count;
- unique Luhn-valid IMEIs (10 % dual-SIM with a second IMEI), ~3 % serial-only devices, one
  `unit_codes` row per code, one `received` history event per unit;
- Back Market listings whose SKUs are the variations' SKUs (case varied), ~5 % for SKUs nobody
  carries; ~60 % of listings also mapped to one variation (for the variation-mapping measurement);
- open orders (default 2,000) with lines by variation and by SKU, a third partly scanned
  (active commitments); every Sold unit went out on a shipped order (shipped commitments + events).
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import delete, select, text

from app.db import Database, open_database, sqlite_path
from app.domain import settings
from app.domain.catalog import condition_key, normalize_sku
from app.domain.codes import luhn_check_digit
from app.domain.setup import initialize
from app.models import Base, Channel, Condition, Grade, InventoryStatus, OrderStatus, Warehouse

WAREHOUSES = ("Main", "East", "West", "Overflow")
COUNTED_WAREHOUSES = ["Main", "East"]
STATUS_WEIGHTS = {  # share of units per inventory status
    "Available": 48, "Sold": 34, "Processing": 5, "Repair": 4, "Returned": 3,
    "Incoming": 3, "Unavailable": 2, "Vendor RMA": 1,
}
NETWORKS = ("Unlocked", "AT&T", "Verizon", "T-Mobile", "Sprint", "US Cellular", "Cricket", "Boost",
            "Vodafone", "EE", "O2", "Three", "Orange", "SFR", "Bouygues", "Free")
# manufacturer -> [(model, model numbers, capacities, colours)]
CATALOGUE = {
    "Apple": [
        (f"iPhone {m}", nums, caps, cols)
        for m, nums, caps, cols in [
            ("8", ("A1863", "A1905"), ("64GB", "256GB"), ("Space Gray", "Silver", "Gold", "Red")),
            ("8 Plus", ("A1864", "A1897"), ("64GB", "256GB"), ("Space Gray", "Silver", "Gold", "Rose Gold")),
            ("X", ("A1865", "A1901"), ("64GB", "256GB"), ("Space Gray", "Silver")),
            ("XR", ("A1984", "A2105"), ("64GB", "128GB", "256GB"), ("Black", "White", "Blue", "Yellow", "Coral", "Red")),
            ("XS", ("A1920", "A2097"), ("64GB", "256GB", "512GB"), ("Space Gray", "Silver", "Gold")),
            ("XS Max", ("A1921", "A2101"), ("64GB", "256GB", "512GB"), ("Space Gray", "Silver", "Gold")),
            ("11", ("A2111", "A2221"), ("64GB", "128GB", "256GB"), ("Black", "White", "Green", "Yellow", "Purple", "Red")),
            ("11 Pro", ("A2160", "A2215"), ("64GB", "256GB", "512GB"), ("Space Gray", "Silver", "Gold", "Midnight Green")),
            ("11 Pro Max", ("A2161", "A2218"), ("64GB", "256GB", "512GB"), ("Space Gray", "Silver", "Gold", "Midnight Green")),
            ("SE (2020)", ("A2275", "A2296"), ("64GB", "128GB", "256GB"), ("Black", "White", "Red")),
            ("12", ("A2172", "A2403"), ("64GB", "128GB", "256GB"), ("Black", "White", "Blue", "Green", "Purple", "Red")),
            ("12 mini", ("A2176", "A2399"), ("64GB", "128GB", "256GB"), ("Black", "White", "Blue", "Green", "Purple", "Red")),
            ("12 Pro", ("A2341", "A2407"), ("128GB", "256GB", "512GB"), ("Graphite", "Silver", "Gold", "Pacific Blue")),
            ("12 Pro Max", ("A2342", "A2411"), ("128GB", "256GB", "512GB"), ("Graphite", "Silver", "Gold", "Pacific Blue")),
            ("13", ("A2482", "A2633"), ("128GB", "256GB", "512GB"), ("Midnight", "Starlight", "Blue", "Pink", "Green", "Red")),
            ("13 mini", ("A2481", "A2628"), ("128GB", "256GB", "512GB"), ("Midnight", "Starlight", "Blue", "Pink", "Green", "Red")),
            ("13 Pro", ("A2483", "A2638"), ("128GB", "256GB", "512GB", "1TB"), ("Graphite", "Gold", "Silver", "Sierra Blue", "Alpine Green")),
            ("13 Pro Max", ("A2484", "A2643"), ("128GB", "256GB", "512GB", "1TB"), ("Graphite", "Gold", "Silver", "Sierra Blue", "Alpine Green")),
            ("14", ("A2649", "A2881"), ("128GB", "256GB", "512GB"), ("Midnight", "Starlight", "Blue", "Purple", "Yellow", "Red")),
            ("14 Plus", ("A2632", "A2885"), ("128GB", "256GB", "512GB"), ("Midnight", "Starlight", "Blue", "Purple", "Yellow", "Red")),
            ("14 Pro", ("A2650", "A2889"), ("128GB", "256GB", "512GB", "1TB"), ("Space Black", "Silver", "Gold", "Deep Purple")),
            ("14 Pro Max", ("A2651", "A2893"), ("128GB", "256GB", "512GB", "1TB"), ("Space Black", "Silver", "Gold", "Deep Purple")),
            ("15", ("A2846", "A3090"), ("128GB", "256GB", "512GB"), ("Black", "Blue", "Green", "Yellow", "Pink")),
            ("15 Pro", ("A2848", "A3102"), ("128GB", "256GB", "512GB", "1TB"), ("Black Titanium", "White Titanium", "Blue Titanium", "Natural Titanium")),
            ("15 Pro Max", ("A2849", "A3106"), ("256GB", "512GB", "1TB"), ("Black Titanium", "White Titanium", "Blue Titanium", "Natural Titanium")),
        ]
    ] + [
        ("iPad 9th Gen", ("A2602", "A2604"), ("64GB", "256GB"), ("Space Gray", "Silver")),
        ("iPad Air 5", ("A2588", "A2589"), ("64GB", "256GB"), ("Space Gray", "Starlight", "Pink", "Purple", "Blue")),
        ("Watch Series 7", ("A2473", "A2474"), ("32GB",), ("Midnight", "Starlight", "Green", "Blue", "Red")),
    ],
    "Samsung": [
        (m, nums, caps, cols)
        for m, nums, caps, cols in [
            ("Galaxy S20", ("SM-G980F", "SM-G981U"), ("128GB",), ("Cosmic Gray", "Cloud Blue", "Cloud Pink")),
            ("Galaxy S20 FE", ("SM-G780F", "SM-G781U"), ("128GB", "256GB"), ("Cloud Navy", "Cloud Mint", "Cloud Red", "Cloud White")),
            ("Galaxy S21", ("SM-G991B", "SM-G991U"), ("128GB", "256GB"), ("Phantom Gray", "Phantom White", "Phantom Violet", "Phantom Pink")),
            ("Galaxy S21 Ultra", ("SM-G998B", "SM-G998U"), ("128GB", "256GB", "512GB"), ("Phantom Black", "Phantom Silver")),
            ("Galaxy S22", ("SM-S901B", "SM-S901U"), ("128GB", "256GB"), ("Phantom Black", "Phantom White", "Green", "Pink Gold")),
            ("Galaxy S22 Ultra", ("SM-S908B", "SM-S908U"), ("128GB", "256GB", "512GB"), ("Phantom Black", "Phantom White", "Burgundy", "Green")),
            ("Galaxy S23", ("SM-S911B", "SM-S911U"), ("128GB", "256GB"), ("Phantom Black", "Cream", "Green", "Lavender")),
            ("Galaxy S23 Ultra", ("SM-S918B", "SM-S918U"), ("256GB", "512GB", "1TB"), ("Phantom Black", "Cream", "Green", "Lavender")),
            ("Galaxy A52", ("SM-A525F", "SM-A526B"), ("128GB", "256GB"), ("Awesome Black", "Awesome White", "Awesome Blue", "Awesome Violet")),
            ("Galaxy A53", ("SM-A536B", "SM-A536U"), ("128GB", "256GB"), ("Awesome Black", "Awesome White", "Awesome Blue", "Awesome Peach")),
            ("Galaxy Note 20", ("SM-N980F", "SM-N981U"), ("128GB", "256GB"), ("Mystic Bronze", "Mystic Gray", "Mystic Green")),
            ("Galaxy Z Flip4", ("SM-F721B", "SM-F721U"), ("128GB", "256GB", "512GB"), ("Graphite", "Bora Purple", "Pink Gold", "Blue")),
            ("Galaxy Z Fold4", ("SM-F936B", "SM-F936U"), ("256GB", "512GB", "1TB"), ("Graygreen", "Phantom Black", "Beige")),
            ("Galaxy Tab S8", ("SM-X700", "SM-X706B"), ("128GB", "256GB"), ("Graphite", "Silver", "Pink Gold")),
        ]
    ],
    "Google": [
        ("Pixel 6", ("GB7N6", "G9S9B"), ("128GB", "256GB"), ("Stormy Black", "Sorta Seafoam", "Kinda Coral")),
        ("Pixel 6 Pro", ("GLU0G", "G8VOU"), ("128GB", "256GB", "512GB"), ("Stormy Black", "Cloudy White", "Sorta Sunny")),
        ("Pixel 7", ("GVU6C", "GQML3"), ("128GB", "256GB"), ("Obsidian", "Snow", "Lemongrass")),
        ("Pixel 7 Pro", ("GP4BC", "GE2AE"), ("128GB", "256GB", "512GB"), ("Obsidian", "Snow", "Hazel")),
        ("Pixel 7a", ("GWKK3", "GHL1X"), ("128GB",), ("Charcoal", "Snow", "Sea", "Coral")),
        ("Pixel 8", ("GKWS6", "G9BQD"), ("128GB", "256GB"), ("Obsidian", "Hazel", "Rose")),
        ("Pixel 8 Pro", ("GC3VE", "G1MNW"), ("128GB", "256GB", "512GB", "1TB"), ("Obsidian", "Porcelain", "Bay")),
    ],
    "OnePlus": [
        ("9", ("LE2113", "LE2115"), ("128GB", "256GB"), ("Winter Mist", "Arctic Sky", "Astral Black")),
        ("10 Pro", ("NE2213", "NE2215"), ("128GB", "256GB"), ("Volcanic Black", "Emerald Forest")),
        ("11", ("PHB110", "CPH2449"), ("128GB", "256GB"), ("Titan Black", "Eternal Green")),
    ],
    "Motorola": [
        ("Moto G Power", ("XT2041", "XT2117"), ("64GB", "128GB"), ("Flash Gray", "Polar Silver")),
        ("Edge", ("XT2063", "XT2141"), ("128GB", "256GB"), ("Solar Black", "Midnight Magenta")),
    ],
    "Xiaomi": [
        ("Redmi Note 11", ("2201117TG", "2201117TY"), ("64GB", "128GB"), ("Graphite Gray", "Twilight Blue", "Star Blue")),
        ("12", ("2201123G", "2201123C"), ("128GB", "256GB"), ("Gray", "Blue", "Purple", "Green")),
    ],
}
MFR_CODE = {"Apple": "AP", "Samsung": "SA", "Google": "GO", "OnePlus": "OP", "Motorola": "MO", "Xiaomi": "XI"}
# Type Allocation Codes (first 8 IMEI digits) for the generated units; the CSV import uses others.
UNIT_TACS = [f"35{n:06d}" for n in range(100, 400)]
IMPORT_TAC_BASE = 99000000  # 99xxxxxx TACs: never used by build_database, so imports never collide


@dataclass
class BuildInfo:
    url: str
    units: int = 0
    variations: int = 0
    products: int = 0
    listings: int = 0
    listings_mapped: int = 0
    distinct_skus: int = 0
    unit_codes: int = 0
    unit_events: int = 0
    open_orders: int = 0
    open_lines: int = 0
    active_commitments: int = 0
    shipped_orders: int = 0
    shipped_commitments: int = 0
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def luhn_imei(first14: str) -> str:
    return first14 + luhn_check_digit(first14)


def _fast_luhn(first14: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(first14)):  # the check digit will sit at position 0
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return first14 + str((10 - total % 10) % 10)


def _luhn_part(digits: str, start: int) -> int:
    """Luhn sum of `digits` whose rightmost digit sits at position `start` counted from the right of
    the first 14 digits (position 0 is doubled: the check digit will follow it)."""
    total = 0
    for i, ch in enumerate(reversed(digits), start):
        d = ord(ch) - 48
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total


_LO = [_luhn_part(f"{n:03d}", 0) for n in range(1000)]
_HI = [_luhn_part(f"{n:03d}", 3) for n in range(1000)]


class ImeiMaker:
    """IMEI = TAC (8 digits) + serial number (6 digits) + Luhn check digit, computed from tables."""

    def __init__(self, tacs: list[str]) -> None:
        self.tacs = tacs
        self.tac_sums = [_luhn_part(t, 6) for t in tacs]

    def __call__(self, number: int) -> str:
        t, snr = divmod(number, 1_000_000)
        total = self.tac_sums[t] + _HI[snr // 1000] + _LO[snr % 1000]
        return f"{self.tacs[t]}{snr:06d}{(10 - total % 10) % 10}"


_SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"


class _Writer:
    """Bulk rows into one database: sqlite3 executemany or PostgreSQL COPY."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.sqlite = db.is_sqlite
        self.raw = db.engine.raw_connection()
        self.dbapi = self.raw.driver_connection
        self.saved_indexes: list[str] = []
        if self.sqlite:
            self.dbapi.execute("PRAGMA journal_mode=OFF")
            self.dbapi.execute("PRAGMA synchronous=OFF")
            self.dbapi.execute("PRAGMA cache_size=-1000000")
            self.dbapi.execute("PRAGMA temp_store=MEMORY")
            self.dbapi.execute("PRAGMA foreign_keys=OFF")
            self.dbapi.execute("BEGIN")
        else:
            with self.dbapi.cursor() as cur:
                cur.execute("SET synchronous_commit = off")
                cur.execute("SET maintenance_work_mem = '512MB'")

        self._hours: dict[int, str] = {}
        self.base = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)

    def ts(self, minutes_ago: int) -> str:
        """A UTC timestamp `minutes_ago` before the bench's "now", as the text each database stores."""
        hours, minute = divmod(-minutes_ago, 60)
        prefix = self._hours.get(hours)
        if prefix is None:
            at = self.base + timedelta(hours=hours)
            prefix = self._hours[hours] = at.strftime("%Y-%m-%d %H")
        return f"{prefix}:{minute:02d}:00.000000" + ("" if self.sqlite else "+00")

    def when(self, at: datetime) -> str:
        return at.astimezone(timezone.utc).strftime(_SQLITE_TS) + ("" if self.sqlite else "+00")

    def drop_indexes(self, tables: list[str]) -> None:
        """Keep each secondary index's exact definition, drop it; recreated by restore_indexes."""
        if self.sqlite:
            rows = self.dbapi.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN (%s)"
                % ",".join("?" * len(tables)), tables).fetchall()
            for name, sql in rows:
                self.saved_indexes.append(sql)
                self.dbapi.execute(f'DROP INDEX "{name}"')
        else:
            with self.dbapi.cursor() as cur:
                cur.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                    "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                    (tables,))
                for name, sql in cur.fetchall():
                    self.saved_indexes.append(sql)
                    cur.execute(f'DROP INDEX "{name}"')

    def restore_indexes(self) -> None:
        if self.sqlite:
            for sql in self.saved_indexes:
                self.dbapi.execute(sql)
        else:
            with self.dbapi.cursor() as cur:
                for sql in self.saved_indexes:
                    cur.execute(sql)
        self.saved_indexes = []

    def rows(self, table: str, columns: tuple[str, ...], rows, batch: int = 20000) -> int:
        n = 0
        if self.sqlite:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            rows = iter(rows)
            while True:
                buf = list(itertools.islice(rows, batch))
                if not buf:
                    return n
                self.dbapi.executemany(sql, buf)
                n += len(buf)
        with self.dbapi.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        return n

    def finish(self, id_tables: list[str]) -> None:
        if self.sqlite:
            self.dbapi.execute("COMMIT")  # no ANALYZE: the app never runs it, so neither do we
            self.dbapi.execute("PRAGMA journal_mode=WAL")
            self.dbapi.execute("PRAGMA synchronous=NORMAL")
            self.dbapi.execute("PRAGMA foreign_keys=ON")
        else:
            with self.dbapi.cursor() as cur:
                for table in id_tables:  # ids were assigned here: move the sequences past them
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")
            self.dbapi.commit()
            old = self.dbapi.autocommit
            self.dbapi.autocommit = True
            with self.dbapi.cursor() as cur:
                cur.execute("VACUUM ANALYZE")  # what autovacuum would have done by now
                # ...and the checkpoints: without it the ~1 GB the build wrote was still being
                # flushed while the scans were timed, and each scan's commit waited behind it.
                from psycopg.errors import InsufficientPrivilege

                try:
                    cur.execute("CHECKPOINT")
                except InsufficientPrivilege:
                    pass  # not a superuser (nor pg_checkpoint): the server checkpoints in its own time
            self.dbapi.autocommit = old
        self.raw.close()


def _reset(url: str) -> Database:
    path = sqlite_path(url)
    if path is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return open_database(url)
    db = open_database(url)
    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    return db


def _catalogue_products(rng: random.Random, wanted: int) -> list[tuple[str, str, str, str, str, str]]:
    """Up to `wanted` distinct products, drawn across manufacturers (Apple and Samsung heavier)."""
    all_products = []
    for mfr, models in CATALOGUE.items():
        for model, nums, caps, cols in models:
            for num in nums:
                for cap in caps:
                    for col in cols:
                        for net in NETWORKS:
                            all_products.append((mfr, model, num, net, cap, col))
    rng.shuffle(all_products)
    if wanted > len(all_products):  # huge catalogues: invent later generations of the same lines
        extra = []
        gen = 2
        while len(all_products) + len(extra) < wanted:
            extra.extend((m, f"{mo} Gen {gen}", n, ne, c, co) for m, mo, n, ne, c, co in all_products)
            gen += 1
        all_products.extend(extra)
    return all_products[:wanted]


def _condition_sets(condition_ids: list[int]) -> list[tuple[int, ...]]:
    from itertools import combinations

    sets: list[tuple[int, ...]] = [()]
    for k in (1, 2, 3):
        sets.extend(combinations(sorted(condition_ids), k))
    return sets


def _sku_for(product, grade_name: str) -> str:
    """Model number, capacity, colour, grade and locked/unlocked: every carrier lock and damage set of
    that shares the SKU (several variations feed one marketplace SKU)."""
    mfr, model, num, net, cap, col = product
    model_code = "".join(ch for ch in model.upper() if ch.isalnum())[:10]
    col_code = "".join(w[:2] for w in col.upper().split())[:4]
    lock = "U" if net == "Unlocked" else "L"
    return (f"{MFR_CODE.get(mfr, mfr[:2].upper())}-{model_code}-{num}-{cap}-{col_code}-"
            f"{grade_name.replace('+', 'P')}-{lock}")


def build_database(url: str, units: int = 1_000_000, variations: int = 100_000, listings: int = 10_000, seed: int = 1,
                   *, open_orders: int | None = None, log=None) -> dict:
    """Create (or recreate) the database at `url` and fill it; returns what was built (a dict)."""
    say = log or (lambda _msg: None)
    started = time.perf_counter()
    rng = random.Random(seed)
    info = BuildInfo(url)
    step_t = [time.perf_counter()]

    def step(name: str) -> None:
        now = time.perf_counter()
        info.steps[name] = round(now - step_t[0], 3)
        say(f"  build: {name} {now - step_t[0]:.2f}s")
        step_t[0] = now

    db = _reset(url)
    initialize(db)
    with db.sessions.begin() as s:
        from app.domain import reference

        for name in WAREHOUSES:
            reference.define_warehouse(s, name)
        settings.set_(s, "catalog.sku_unique", False)
        settings.set_(s, "backmarket.statuses", ["Available"])
        settings.set_(s, "backmarket.warehouses", list(COUNTED_WAREHOUSES))
        settings.set_(s, "backmarket.mapping", "sku")
        grades = [(g.id, g.name) for g in s.scalars(select(Grade).order_by(Grade.position))]
        condition_ids = [c.id for c in s.scalars(select(Condition).order_by(Condition.id))]
        statuses = {st.name: st.id for st in s.scalars(select(InventoryStatus))}
        warehouses = {w.name: w.id for w in s.scalars(select(Warehouse))}
        order_statuses = {o.name: o.id for o in s.scalars(select(OrderStatus))}
        channels = {c.name: c.id for c in s.scalars(select(Channel))}
    step("schema")

    # ---- catalogue: products, variations, SKUs --------------------------------------------------
    cond_sets = _condition_sets(condition_ids)
    cond_weights = [8.0 if not cs else 2.0 / len(cs) ** 2 for cs in cond_sets]  # most units undamaged
    combos = [(g, cs) for g in range(len(grades)) for cs in range(len(cond_sets))]
    combo_weights = [(5 - g) * cond_weights[cs] for g, cs in combos]
    products = _catalogue_products(rng, variations)
    var_rows = []  # (id, product index, grade idx, cond set idx, sku)
    vid = 0
    pi = 0
    while vid < variations:
        k = min(variations - vid, rng.choice((1, 2, 3, 4, 5, 6, 7, 8, 9)))
        chosen: list[int] = []
        for c in rng.choices(range(len(combos)), combo_weights, k=4 * k):
            if c not in chosen:
                chosen.append(c)
                if len(chosen) == k:
                    break
        for c in chosen:
            vid += 1
            g, cs = combos[c]
            sku = None if rng.random() < 0.08 else _sku_for(products[pi], grades[g][1])
            var_rows.append((vid, pi, g, cs, sku))
        pi += 1
    n_products = pi
    db.engine.dispose()  # the build's one connection may then leave WAL for journal_mode=OFF
    w = _Writer(db)
    w.drop_indexes(["units", "unit_codes", "unit_events", "commitments", "orders", "order_lines", "variations"])
    info.products = w.rows("products", ("id", "manufacturer", "model", "model_number", "network", "capacity", "color"),
                           ((i + 1, *products[i]) for i in range(n_products)))
    info.variations = w.rows("variations", ("id", "product_id", "grade_id", "condition_key", "sku", "sku_norm"),
                             ((v, p + 1, grades[g][0], condition_key(cond_sets[cs]), sku, normalize_sku(sku))
                              for v, p, g, cs, sku in var_rows))
    w.rows("variation_conditions", ("variation_id", "condition_id"),
           ((v, c) for v, _p, _g, cs, _s in var_rows for c in cond_sets[cs]))
    sku_of = [None] + [r[4] for r in var_rows]  # by variation id
    by_sku: dict[str, list[int]] = {}
    for v, *_rest, sku in var_rows:
        if sku:
            by_sku.setdefault(normalize_sku(sku), []).append(v)
    info.distinct_skus = len(by_sku)
    step("catalogue")

    # ---- units, codes, history ------------------------------------------------------------------
    status_names = list(STATUS_WEIGHTS)
    status_cum = []
    acc = 0
    for name in status_names:
        acc += STATUS_WEIGHTS[name]
        status_cum.append(acc)
    wh_ids = [warehouses[n] for n in WAREHOUSES]
    # Popularity: a Pareto-like weight per variation, so some variations hold hundreds of units.
    pop = [rng.paretovariate(1.3) for _ in range(variations)]
    cum = []
    acc = 0.0
    for p in pop:
        acc += p
        cum.append(acc)
    unit_var = rng.choices(range(1, variations + 1), cum_weights=cum, k=units)
    unit_status = rng.choices(status_names, cum_weights=status_cum, k=units)
    unit_wh = rng.choices(wh_ids, weights=(50, 25, 15, 10), k=units)
    n_dual = units // 10
    numbers = rng.sample(range(len(UNIT_TACS) * 1_000_000), units + n_dual)
    serial_only = set(rng.sample(range(units), units // 33))
    dual = [i for i in rng.sample(range(units), min(units, n_dual + len(serial_only))) if i not in serial_only][:n_dual]
    dual_set = dict(zip(dual, numbers[units:]))
    alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    imei_of = ImeiMaker(UNIT_TACS)
    unit_rows = []
    code_rows = []
    status_of = [statuses[n] for n in unit_status]
    del unit_status
    for i in range(units):
        uid = i + 1
        received = w.ts((units - i) * 3)
        if i in serial_only:
            serial = "SN" + "".join(rng.choices(alnum, k=8)) + f"{uid:07d}"
            imei = None
            code_rows.append((serial, uid, "serial"))
        else:
            imei = imei_of(numbers[i])
            serial = None
            code_rows.append((imei, uid, "imei"))
        imei2 = None
        if i in dual_set:
            imei2 = imei_of(dual_set[i])
            code_rows.append((imei2, uid, "imei2"))
        unit_rows.append((uid, imei, imei2, serial, unit_var[i], status_of[i], unit_wh[i],
                          round(40 + (uid * 7919 % 60000) / 100, 2), received, received))
    step("units generated")
    info.units = w.rows("units", ("id", "imei", "imei2", "serial", "variation_id", "status_id", "warehouse_id", "cost",
                                  "received_at", "updated_at"), unit_rows)
    info.unit_codes = w.rows("unit_codes", ("code", "unit_id", "kind"), sorted(code_rows))
    del code_rows
    step("units + codes written")
    events = [(uid, uid, r[8], "received", "CSV import", None, "bench", "bench") for uid, r in enumerate(unit_rows, 1)]
    next_event = units + 1

    # ---- orders ---------------------------------------------------------------------------------
    customers = [f"Customer {i:05d}" for i in range(1, 1001)]
    w.rows("customers", ("id", "name"), ((i + 1, n) for i, n in enumerate(customers)))
    sold = statuses["Sold"]
    available = statuses["Available"]
    free_by_var: dict[int, list[int]] = {}
    sold_units = []
    for uid, _i, _i2, _s, v, st, _wh, _c, _r, _u in unit_rows:
        if st == available:
            free_by_var.setdefault(v, []).append(uid)
        elif st == sold:
            sold_units.append(uid)
    order_rows, line_rows, commit_rows = [], [], []
    order_id = line_id = commit_id = 0
    n_open = open_orders if open_orders is not None else max(10, min(2000, units // 500))
    open_status_choices = [order_statuses["New"]] * 6 + [order_statuses["Ready to ship"]] * 3 + [order_statuses["Awaiting payment"]]
    skus = sorted(by_sku)
    stocked_vars = sorted(free_by_var)
    for n in range(n_open):
        order_id += 1
        channel = channels["Back Market"] if n % 3 else channels["Direct"]
        ext = str(30_000_000 + order_id) if channel == channels["Back Market"] else None
        number = f"BM{ext}" if ext else f"SO{100000 + order_id}"
        created = w.ts(60 * rng.randint(1, 96))
        st = rng.choice(open_status_choices)
        order_rows.append((order_id, number, rng.randint(1, len(customers)), channel, st, ext, "1 Bench Street",
                           None, None, "", created, created, None))
        partly = st != order_statuses["Awaiting payment"] and rng.random() < 0.33
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            line_id += 1
            qty = rng.choice((1, 1, 1, 2, 2, 3, 5))
            if rng.random() < 0.6 or not skus:
                v = rng.choice(stocked_vars)
                line_rows.append((line_id, order_id, v, None, None, qty, 199.0, None, None, False, False, None, ""))
                candidates = free_by_var.get(v, [])
            else:
                sku_norm = rng.choice(skus)
                v = None
                line_rows.append((line_id, order_id, None, sku_norm.upper(), sku_norm, qty, 249.0, None, sku_norm.upper(),
                                  False, False, None, ""))
                candidates = free_by_var.get(by_sku[sku_norm][0], [])
            if partly and candidates:
                for _k in range(rng.randint(1, qty)):
                    if not candidates:
                        break
                    uid = candidates.pop()
                    commit_id += 1
                    commit_rows.append((commit_id, uid, line_id, order_id, True, created, None, None, "bench"))
                    events.append((next_event, uid, created, "committed", f"order {number}", order_id, "bench", "bench"))
                    next_event += 1
    info.open_orders = order_id
    info.open_lines = line_id
    info.active_commitments = commit_id
    # History: every Sold unit went out on a shipped order of 1-3 units.
    shipped_status = order_statuses["Shipped"]
    rng.shuffle(sold_units)
    i = 0
    while i < len(sold_units):
        k = rng.choice((1, 1, 1, 2, 3))
        batch = sold_units[i : i + k]
        i += k
        order_id += 1
        channel = channels["Back Market"] if order_id % 3 else channels["Direct"]
        ext = str(30_000_000 + order_id) if channel == channels["Back Market"] else None
        number = f"BM{ext}" if ext else f"SO{100000 + order_id}"
        shipped_ago = rng.randint(60, 60 * 24 * 365)
        shipped_at = w.ts(shipped_ago)
        order_rows.append((order_id, number, rng.randint(1, len(customers)), channel, shipped_status, ext,
                           "1 Bench Street", f"1Z{order_id:012d}", "UPS", "", w.ts(shipped_ago + 1440),
                           shipped_at, shipped_at))
        per_var: dict[int, list[int]] = {}
        for uid in batch:
            per_var.setdefault(unit_rows[uid - 1][4], []).append(uid)
        for v, uids in per_var.items():
            line_id += 1
            line_rows.append((line_id, order_id, v, None, None, len(uids), 189.0, None, None, False, False, None, ""))
            for uid in uids:
                commit_id += 1
                commit_rows.append((commit_id, uid, line_id, order_id, False, w.ts(shipped_ago + 180),
                                    shipped_at, None, "bench"))
                events.append((next_event, uid, shipped_at, "shipped", f"order {number} · 1Z{order_id:012d}",
                               order_id, "bench", "bench"))
                next_event += 1
    info.shipped_orders = order_id - info.open_orders
    info.shipped_commitments = commit_id - info.active_commitments
    w.rows("orders", ("id", "number", "customer_id", "channel_id", "status_id", "external_id", "shipping_address",
                      "tracking_number", "carrier", "note", "created_at", "updated_at", "shipped_at"), order_rows)
    w.rows("order_lines", ("id", "order_id", "variation_id", "sku", "sku_norm", "quantity", "price", "external_id",
                           "listing_sku", "unmapped", "closed", "remote_state", "title"), line_rows)
    w.rows("commitments", ("id", "unit_id", "line_id", "order_id", "active", "committed_at", "shipped_at",
                           "released_at", "station"), commit_rows)
    del unit_rows
    info.unit_events = w.rows("unit_events", ("id", "unit_id", "at", "kind", "detail", "order_id", "station", "operator"),
                              events)
    del events
    step("orders + history written")

    # ---- listings -------------------------------------------------------------------------------
    listing_rows = []
    rng.shuffle(skus)
    for n in range(listings):
        lid = n + 1
        if n < len(skus) and rng.random() > 0.05:
            sku_norm = skus[n]
            carriers = by_sku[sku_norm]
            sku = sku_of[carriers[0]]
            sku = sku.lower() if n % 7 == 0 else sku  # Back Market SKUs compare case-insensitively
            mapped = rng.choice(carriers) if rng.random() < 0.6 else None
        else:
            sku = f"BM-ORPHAN-{lid:06d}"
            mapped = None
        listing_rows.append((lid, f"{lid:08x}-bench-4000-8000-{lid:012d}", 100_000 + lid, sku, normalize_sku(sku),
                             f"Listing {sku}", "", "199.00", "EUR", rng.randint(0, 20), 2, mapped, 0, None, None,
                             None, None, w.ts(0)))
    info.listings = w.rows("bm_listings", ("id", "uuid", "listing_id", "sku", "sku_norm", "title", "grade", "price",
                                           "currency", "bm_quantity", "publication_state", "variation_id", "reserve",
                                           "max_listed", "last_pushed_quantity", "last_pushed_at", "last_error",
                                           "imported_at"), listing_rows)
    info.listings_mapped = sum(1 for r in listing_rows if r[11] is not None)
    step("listings written")
    w.restore_indexes()
    step("indexes rebuilt")
    w.finish(["products", "variations", "units", "unit_events", "customers", "orders", "order_lines",
              "commitments", "bm_listings"])
    step("finish")
    db.dispose()
    info.seconds = round(time.perf_counter() - started, 2)
    return info.as_dict()


def build_in_child(url: str, units: int, variations: int, listings: int, seed: int, *,
                   open_orders: int | None = None) -> dict:
    """Build in a process of its own, so the measuring process starts as the app does, without the
    builder's million-object heap (with it, every garbage collection during a measurement scanned
    it: the quantities took 1.07 s instead of 0.69 s)."""
    import json
    import subprocess
    import sys

    spec = json.dumps({"url": url, "units": units, "variations": variations, "listings": listings, "seed": seed,
                       "open_orders": open_orders})
    done = subprocess.run([sys.executable, "-m", "bench.build", spec], check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    import json
    import sys

    _spec = json.loads(sys.argv[1])
    _info = build_database(_spec.pop("url"), _spec.pop("units"), _spec.pop("variations"), _spec.pop("listings"),
                           _spec.pop("seed"), open_orders=_spec.pop("open_orders"),
                           log=lambda m: print(m, file=sys.stderr, flush=True))
    print(json.dumps(_info))
