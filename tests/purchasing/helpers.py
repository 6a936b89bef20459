"""Shared steps for the purchasing tests: a vendor, a PO with a manifest, receiving, grading."""

from __future__ import annotations

from app.db import Database
from app.domain import users
from app.domain.purchasing import diagnostics, manifest, orders, receiving, vendors
from app.domain.station import set_operator
from tests.dbfixtures import make_imei

LINE = "manufacturer=Apple,model=iPhone 12,capacity=64GB,color=Black,qty={qty},cost=180"


def imeis(n: int, start: int = 1, prefix: str = "35") -> list[str]:
    return [make_imei(i, prefix) for i in range(start, start + n)]


def call(db: Database, function, *args, **kw):
    """One service call in its own transaction (one user action)."""
    with db.sessions.begin() as s:
        return function(s, *args, **kw)


def read(db: Database, function, *args, **kw):
    with db.reads() as s:
        return function(s, *args, **kw)


def vendor_po(db: Database, vendor: str = "PhoneLots", lines: tuple[str, ...] | None = None, qty: int = 3) -> str:
    with db.sessions.begin() as s:
        if not vendors.list_vendors(s) or vendor not in {v.name for v in vendors.list_vendors(s)}:
            vendors.add_vendor(s, vendor)
        specs = [orders.parse_line(text) for text in (lines or (LINE.format(qty=qty),))]
        return orders.create_po(s, vendor, specs, reference_text="V-1").number


def with_manifest(db: Database, po: str, codes: list[str], extra: str = "") -> None:
    text = "imei" + extra + "\n" + "".join(f"{c}\n" for c in codes)
    call(db, manifest.import_manifest, po, text)


def receive_all(db: Database, po: str, codes: list[str], **kw) -> list[receiving.ReceiveOutcome]:
    return [call(db, receiving.receive_scan, po, code, **kw) for code in codes]


def grade(db: Database, rows: list[tuple[str, str, str]], **kw):
    """rows: (imei, grade, failed tests) — a minimal diagnostics file."""
    text = "imei,grade,conditions,battery_health,failed_tests,tool,tester\n" + "".join(
        f"{code},{g},,90,{failed},Phonecheck,Ann\n" for code, g, failed in rows)
    return call(db, diagnostics.import_diagnostics, text, **kw)


def sign_in_roles(db: Database) -> dict[str, object]:
    """An admin, a manager and a packer; returns their UserInfo by role (nobody signed in after)."""
    with db.sessions.begin() as s:
        users.add_user(s, "Ada", "admin", "9876")
        set_operator(users.authenticate(s, "Ada", "9876"))
        users.add_user(s, "Max", "manager", "2345")
        users.add_user(s, "Pat", "packer", "1234")
    with db.sessions.begin() as s:
        found = {"admin": users.authenticate(s, "Ada", "9876"), "manager": users.authenticate(s, "Max", "2345"),
                 "packer": users.authenticate(s, "Pat", "1234")}
    set_operator(None)
    return found
