"""Purchasing set-ups for GUI tests: a vendor, a PO with lines and a manifest, injectable asks."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from app.db import Database
from app.domain import users
from app.domain.purchasing import manifest, orders, vendors
from app.domain.purchasing.orders import PoLineSpec
from app.domain.station import set_operator
from app.ui.purchasing.common import Asks
from ui_helpers import imei

VENDOR = "Phone Lots Ltd"
IPHONE_LINE = PoLineSpec("Apple", "iPhone 13", 3, Decimal("180.00"), capacity="128GB", color="Midnight")


def make_po(db: Database, *, lines=(IPHONE_LINE,), manifest_codes=(), vendor: str = VENDOR) -> str:
    with db.sessions.begin() as s:
        if vendor not in [v.name for v in vendors.list_vendors(s)]:
            vendors.add_vendor(s, vendor, "sales@phonelots.example")
        number = orders.create_po(s, vendor, list(lines), reference_text="LOT-77").number
        orders.place_po(s, number)
    if manifest_codes:
        text = "imei\n" + "\n".join(manifest_codes) + "\n"
        with db.sessions.begin() as s:
            manifest.import_manifest(s, number, text, filename="manifest.csv")
    return number


def sign_in(db: Database, name: str) -> None:
    with db.reads() as s:
        set_operator(next(u for u in users.list_users(s) if u.name == name))


class FakeAsks(Asks):
    """Answers instead of dialogs: the files a test chose, the PDFs it wants written."""

    def __init__(self, open_path: str = "", save_path: str = "") -> None:
        super().__init__(open_csv=lambda _parent, _title: self.open_path,
                         save_pdf=lambda _parent, _title, _suggested: self.save_path,
                         text=lambda _parent, _title, _prompt: None)
        self.open_path, self.save_path = open_path, save_path


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


__all__ = ["VENDOR", "IPHONE_LINE", "make_po", "sign_in", "FakeAsks", "write", "imei"]
