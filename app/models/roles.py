"""The least-privilege PostgreSQL role for packing stations: what it may read and write.

A packing or receiving station signs operators in, receives units by scan, looks them up, moves
them, packs, ships and takes returns. It never migrates the schema, changes settings, lists, users
or mappings, and never runs the Back Market sync (a station without a token never takes the sync
lease; the sync runs on the office PC or a server with the owner role). The statements below are
what `README.md` → "Users, roles and sign-in" shows, and what tests/db/test_packing_role.py runs.
"""

from __future__ import annotations

# Tables a packing station writes, and why:
PACKING_STATION_WRITES: dict[str, str] = {
    "units": "INSERT, UPDATE",  # receive; move, ship (status Sold), returns
    "unit_codes": "INSERT",  # every IMEI / serial of a received unit
    "unit_events": "INSERT",  # the history (append-only)
    "products": "INSERT",  # a product first seen at receipt
    "variations": "INSERT, UPDATE (sku, sku_norm)",  # a variation first seen at receipt, and its first SKU
    "variation_conditions": "INSERT",
    "commitments": "INSERT, UPDATE",  # scans onto an order, undo, shipped
    "orders": "UPDATE",  # shipped: status, tracking, carrier (and its row lock)
    "order_lines": "UPDATE",  # the line lock while a scan fills it; closing lines at shipping
    "outbox": "INSERT",  # a Back Market order's shipment, sent later by the sync
    "pending_pushes": "INSERT",  # written by the database triggers on every stock change
    "po_receipts": "INSERT",  # a unit received against a purchase order line
    "purchase_orders": "UPDATE (status, updated_at)",  # placed → partially received → received as units arrive
    "diagnostic_runs": "INSERT",  # grading from a diagnostics export
    "users": "UPDATE (failed_attempts, locked_until)",  # wrong-PIN count and lock-out at sign-in, nothing else
    "shipstation_orders": "UPDATE (leave_open, updated_at)",  # the packer's "do not mark it shipped in ShipStation"
}

# Read at the packing station beyond the core tables (named, so a test can check them): the order's
# structured address and its ShipStation state (label, tracking) on the packing screen.
PACKING_STATION_READS = ("order_addresses", "shipstation_orders")


def packing_station_grants(role: str, database: str) -> list[str]:
    """GRANT statements for an existing LOGIN role `role` (run them as the database owner)."""
    statements = [
        f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"',
        f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
        # Tables a later upgrade adds (made by the owner running the migrations) are readable too.
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO "{role}"',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO "{role}"',
    ]
    statements += [f'GRANT {what} ON {table} TO "{role}"' for table, what in PACKING_STATION_WRITES.items()]
    return statements
