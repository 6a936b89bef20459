"""The calculated quantity: what each Back Market listing should show (PRODUCT.md).

available(L)   = units of M(L) in a counted status and warehouse, not committed to an open order
outstanding(L) = what open-order lines that M(L) can fill still want (wanted − committed)
calculated(L)  = max(0, available − outstanding), then the listing's reserve and max-listed rules

Computed for every listing (or a chosen few) in one grouped SQL statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from app.domain import settings
from app.domain.changes import Changes
from app.models import InventoryStatus, Listing, Variation, Warehouse

# listing_match(lid, vid): the match set of every listing considered.
# For a chosen few listings, every per-unit and per-line CTE is narrowed to what the match set can
# touch (its variations; lines of those variations or of their SKUs), so the statement reads a few
# index entries instead of every open line and active commitment. The results are the same: the
# *_by CTEs only ever join these rows on the match set's variations and SKUs.
_MATCH_VARIATION = "SELECT L.id AS lid, L.variation_id AS vid FROM bm_listings L WHERE L.variation_id IS NOT NULL {listing_filter}"
_MATCH_SKU = "SELECT L.id AS lid, v.id AS vid FROM bm_listings L JOIN variations v ON v.sku_norm = L.sku_norm WHERE 1=1 {listing_filter}"
_MATCH_PREVIEW = "SELECT 0 AS lid, v.id AS vid FROM variations v WHERE v.id IN :preview_ids"

_COUNTS = """
avail AS (
    SELECT u.variation_id AS vid, COUNT(*) AS n FROM units u
    WHERE u.status_id IN :statuses {warehouse_filter} {unit_filter}
    GROUP BY u.variation_id
),
busy AS (
    SELECT u.variation_id AS vid, COUNT(*) AS n FROM commitments c CROSS JOIN units u
    WHERE u.id = c.unit_id AND c.active AND u.status_id IN :statuses {warehouse_filter} {unit_filter}
    GROUP BY u.variation_id
),
{match_lines}open_lines AS (
    SELECT l.id AS line_id, l.variation_id AS vid, l.sku_norm AS sku_norm,
           l.quantity - (SELECT COUNT(*) FROM commitments c WHERE c.line_id = l.id AND c.active) AS rem
    FROM {line_source}
    WHERE o.status_id = os.id AND l.order_id = o.id AND os.is_open AND NOT l.closed {line_join}
),
remaining AS (SELECT line_id, vid, sku_norm, rem FROM open_lines WHERE rem > 0),
"""

# Per listing, through its match set's (listing, variation) pairs: any mapping mode, any listings.
_QUERY = "WITH listing_match AS ({match}),\n" + _COUNTS + """
line_listing AS (
    SELECT m.lid AS lid, r.line_id AS line_id, r.rem AS rem
    FROM listing_match m JOIN remaining r ON r.vid = m.vid
    UNION
    SELECT m.lid, r.line_id, r.rem
    FROM listing_match m JOIN variations v ON v.id = m.vid JOIN remaining r ON r.sku_norm = v.sku_norm
),
matched AS (SELECT lid, COUNT(*) AS n FROM listing_match GROUP BY lid),
avail_by AS (SELECT m.lid AS lid, SUM(a.n) AS n FROM listing_match m JOIN avail a ON a.vid = m.vid GROUP BY m.lid),
busy_by AS (SELECT m.lid AS lid, SUM(b.n) AS n FROM listing_match m JOIN busy b ON b.vid = m.vid GROUP BY m.lid),
out_by AS (SELECT lid, SUM(rem) AS n FROM line_listing GROUP BY lid)
SELECT mt.lid, mt.n, COALESCE(ab.n, 0) - COALESCE(bb.n, 0), COALESCE(ob.n, 0)
FROM matched mt
LEFT JOIN avail_by ab ON ab.lid = mt.lid
LEFT JOIN busy_by bb ON bb.lid = mt.lid
LEFT JOIN out_by ob ON ob.lid = mt.lid
"""

# Every listing in SKU mode: the same numbers, summed once per SKU instead of once per (listing,
# variation) pair. A listing's match set is every variation carrying its SKU, so a line can fill it
# when the line names that SKU or its variation carries it — at most two SKUs per line, counted once
# each (UNION). At 1M units / 10k listings the pairs are ~86,000: joining them to the units' counts
# and to the open lines was 0.4 of the statement's 0.6 s here; per SKU it is about 0.1.
_SKU_QUERY = "WITH " + _COUNTS + """
avail_sku AS (SELECT v.sku_norm AS sku, SUM(a.n) AS n FROM avail a JOIN variations v ON v.id = a.vid
              WHERE v.sku_norm IS NOT NULL GROUP BY v.sku_norm),
busy_sku AS (SELECT v.sku_norm AS sku, SUM(b.n) AS n FROM busy b JOIN variations v ON v.id = b.vid
             WHERE v.sku_norm IS NOT NULL GROUP BY v.sku_norm),
line_sku AS (
    SELECT r.line_id AS line_id, r.sku_norm AS sku, r.rem AS rem FROM remaining r WHERE r.sku_norm IS NOT NULL
    UNION
    SELECT r.line_id, v.sku_norm, r.rem FROM remaining r JOIN variations v ON v.id = r.vid WHERE v.sku_norm IS NOT NULL
),
out_sku AS (SELECT sku, SUM(rem) AS n FROM line_sku GROUP BY sku),
matched AS (SELECT L.id AS lid, L.sku_norm AS sku,
                   (SELECT COUNT(*) FROM variations v WHERE v.sku_norm = L.sku_norm) AS n FROM bm_listings L)
SELECT mt.lid, mt.n, COALESCE(ab.n, 0) - COALESCE(bb.n, 0), COALESCE(ob.n, 0)
FROM matched mt
LEFT JOIN avail_sku ab ON ab.sku = mt.sku
LEFT JOIN busy_sku bb ON bb.sku = mt.sku
LEFT JOIN out_sku ob ON ob.sku = mt.sku
WHERE mt.n > 0
"""


@dataclass(frozen=True)
class ListingQuantity:
    listing_id: int  # local id of the listing
    available: int
    outstanding: int
    calculated: int | None  # None: empty match set, never written
    reason: str | None = None  # why there is no calculated quantity, or which rule lowered it


def apply_rules(raw: int, reserve: int, max_listed: int | None) -> int:
    value = max(0, raw - max(0, reserve or 0))
    if max_listed is not None:
        value = min(value, max(0, max_listed))
    return value


@dataclass(frozen=True)
class Scope:
    """The counted statuses and warehouses (ids), from the integration settings.

    Names resolve case-insensitively (a stored `available` counts Available). When the counted scope
    resolves to nothing — no counted status, or warehouses chosen of which none exists — `problem`
    says so in the manager's words: every listing would compute 0, and such zeros are never pushed.
    """

    status_ids: tuple[int, ...]
    warehouse_ids: tuple[int, ...] | None  # None: every warehouse
    mode: str
    problem: str | None = None  # why nothing is counted; None when the scope is usable

    @classmethod
    def load(cls, session: Session) -> Scope:
        values = settings.get_many(session, ["backmarket.statuses", "backmarket.warehouses", "backmarket.mapping"])
        statuses = _names(values["backmarket.statuses"])
        status_ids = tuple(session.scalars(
            select(InventoryStatus.id).where(func.lower(InventoryStatus.name).in_([n.lower() for n in statuses]))
        )) if statuses else ()
        wh = _names(values["backmarket.warehouses"])
        warehouse_ids = tuple(session.scalars(
            select(Warehouse.id).where(func.lower(Warehouse.name).in_([n.lower() for n in wh]))
        )) if wh else None
        problem = None
        if not status_ids:
            problem = ("no counted status matches backmarket.statuses "
                       f"({', '.join(statuses) if statuses else 'none chosen'})")
        elif wh and not warehouse_ids:
            problem = f"none of the counted warehouses exists (backmarket.warehouses: {', '.join(wh)})"
        return cls(status_ids or (-1,), (warehouse_ids or (-1,)) if wh else None, values["backmarket.mapping"], problem)


def _names(value: object) -> list[str]:
    """The non-blank names of a list setting, trimmed."""
    if isinstance(value, str):
        value = [value]
    return [str(n).strip() for n in (value or []) if str(n).strip()]


_UNIT_FILTER = "AND u.variation_id IN (SELECT vid FROM listing_match)"
# Every line: from the open statuses through their orders (CROSS JOIN keeps SQLite in that order;
# PostgreSQL reorders joins freely either way).
_ALL_LINES = "order_statuses os CROSS JOIN orders o CROSS JOIN order_lines l"
# A chosen few listings: only the lines their match set can fill, found through the variation and
# SKU indexes, then their order and its status by primary key. Driven from these lines on both
# databases: PostgreSQL cannot tell how few orders are open (it estimates half of them and reads
# every order), and SQLite, given `l.id IN (...)` instead, probed every open order for every id.
# The cost grows with the match set's order history (shipped lines included), not with open orders.
_MATCH_LINES = """match_lines AS (
    SELECT x.id AS line_id FROM order_lines x WHERE x.variation_id IN (SELECT vid FROM listing_match)
    UNION
    SELECT x.id FROM variations xv CROSS JOIN order_lines x
    WHERE xv.id IN (SELECT vid FROM listing_match) AND x.sku_norm = xv.sku_norm
),
"""
_MATCHED_LINES = "match_lines ml CROSS JOIN order_lines l CROSS JOIN orders o CROSS JOIN order_statuses os"


def _run(session: Session, scope: Scope, match: str | None, params: dict, restrict_units: bool) -> list[tuple[int, int, int, int]]:
    """The statement's rows (listing id, match-set size, available, outstanding). `match` is the
    listing_match CTE of the per-pair statement; None runs the per-SKU one (every listing, SKU mode)."""
    sql = (_QUERY if match is not None else _SKU_QUERY).format(
        match=match,
        warehouse_filter="AND u.warehouse_id IN :warehouses" if scope.warehouse_ids is not None else "",
        unit_filter=_UNIT_FILTER if restrict_units else "",
        match_lines=_MATCH_LINES if restrict_units else "",
        line_source=_MATCHED_LINES if restrict_units else _ALL_LINES,
        line_join="AND l.id = ml.line_id" if restrict_units else "",
    )
    stmt = text(sql).bindparams(bindparam("statuses", expanding=True))
    params = dict(params, statuses=list(scope.status_ids))
    if scope.warehouse_ids is not None:
        stmt = stmt.bindparams(bindparam("warehouses", expanding=True))
        params["warehouses"] = list(scope.warehouse_ids)
    for name in ("listing_ids", "preview_ids"):
        if name in params:
            stmt = stmt.bindparams(bindparam(name, expanding=True))
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # PostgreSQL only (SQLite has no JIT): the planner cannot estimate the CTE joins, prices
        # this statement in the millions (far above jit_above_cost) and JIT-compiles it. On 1M units
        # that compilation alone took 1.1-1.4 s — more than the whole statement takes to run, for
        # all listings (~0.4 s) as for a few (~2 ms). Off for this statement only: set_config(...,
        # true) is transaction-local and is put back right after.
        jit = session.execute(text("SELECT current_setting('jit'), set_config('jit', 'off', true)")).scalar()
    # PostgreSQL's SUM over COUNT is NUMERIC (Decimal): quantities are plain ints everywhere.
    rows = [tuple(int(v) for v in row) for row in session.execute(stmt, params)]
    if postgres:  # (after an error the transaction is rolled back, and the setting with it)
        session.execute(text("SELECT set_config('jit', :jit, true)"), {"jit": jit})
    return rows


def calculated_quantities(
    session: Session, listing_ids: set[int] | None = None, scope: Scope | None = None
) -> dict[int, ListingQuantity]:
    """Every listing's quantity (or only `listing_ids`'), keyed by local listing id."""
    scope = scope or Scope.load(session)
    listing_filter = "AND L.id IN :listing_ids" if listing_ids is not None else ""
    template = _MATCH_VARIATION if scope.mode == "variation" else _MATCH_SKU
    params: dict = {}
    if listing_ids is not None:
        if not listing_ids:
            return {}
        params["listing_ids"] = sorted(listing_ids)
    match = None if scope.mode == "sku" and listing_ids is None else template.format(listing_filter=listing_filter)
    rows = {lid: (avail, out) for lid, _n, avail, out in _run(
        session, scope, match, params, restrict_units=listing_ids is not None)}
    stmt = select(Listing.id, Listing.reserve, Listing.max_listed)
    if listing_ids is not None:
        stmt = stmt.where(Listing.id.in_(sorted(listing_ids)))
    result: dict[int, ListingQuantity] = {}
    for lid, reserve, max_listed in session.execute(stmt):
        if lid not in rows:
            why = ("not mapped to a variation" if scope.mode == "variation"
                   else "no variation carries this SKU")
            result[lid] = ListingQuantity(lid, 0, 0, None, why)
            continue
        avail, out = rows[lid]
        raw = max(0, avail - out)
        calc = apply_rules(raw, reserve, max_listed)
        reason = None
        if calc < raw:
            capped = max_listed is not None and calc == max_listed
            reason = f"listed at most {max_listed}" if capped else f"{reserve} kept in reserve"
        result[lid] = ListingQuantity(lid, avail, out, calc, reason)
    return result


def match_set_quantity(session: Session, variation_ids: set[int], scope: Scope | None = None) -> tuple[int, int]:
    """(available, outstanding) for a set of variations taken as one match set — the mapping preview."""
    if not variation_ids:
        return 0, 0
    scope = scope or Scope.load(session)
    rows = _run(session, scope, _MATCH_PREVIEW, {"preview_ids": sorted(variation_ids)}, restrict_units=True)
    return (rows[0][2], rows[0][3]) if rows else (0, 0)


def affected_listings(session: Session, changes: Changes, scope: Scope | None = None) -> set[int] | None:
    """Listings whose match set a change touched; None means "all of them" (a settings change)."""
    if changes.settings:
        return None
    ids = set(changes.listing_ids)
    if changes.variation_ids:
        scope = scope or Scope.load(session)
        vids = sorted(changes.variation_ids)
        if scope.mode == "variation":
            ids |= set(session.scalars(select(Listing.id).where(Listing.variation_id.in_(vids))))
        else:
            skus = select(Variation.sku_norm).where(Variation.id.in_(vids), Variation.sku_norm.is_not(None))
            ids |= set(session.scalars(select(Listing.id).where(Listing.sku_norm.in_(skus))))
    return ids
