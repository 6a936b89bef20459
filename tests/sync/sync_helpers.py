"""Shared pieces for the sync tests: a fresh database, stock received by SKU, an engine on the sandbox."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.db import Database, open_database
from app.domain import fulfilment, inventory, settings
from app.domain.catalog import ProductSpec
from app.domain.codes import luhn_check_digit
from app.domain.setup import initialize
from app.sync.config import store_token
from app.sync.client import BackMarketClient
from app.sync.engine import SyncEngine, SyncReport
from app.sync.sandbox import SandboxServer

_serials = itertools.count(1)


def new_imei() -> str:
    first14 = f"35{next(_serials):012d}"
    return first14 + luhn_check_digit(first14)


def make_db(tmp_path: Path, name: str = "t.sqlite3") -> Database:
    db = open_database(f"sqlite:///{tmp_path / name}")
    initialize(db)
    return db


def configure(db: Database, **values: Any) -> None:
    with db.sessions.begin() as s:
        for key, value in values.items():
            settings.set_(s, f"backmarket.{key}", value)


def receive(db: Database, sku: str | None, n: int = 1, *, model: str = "iPhone 13", grade: str = "A",
            capacity: str = "128GB", status: str = "Available") -> list[str]:
    imeis = []
    with db.sessions.begin() as s:
        for _ in range(n):
            imei = new_imei()
            receipt = inventory.Receipt(ProductSpec("Apple", model, capacity=capacity), grade, sku=sku, status=status)
            inventory.receive_unit(s, receipt, imei=imei)
            imeis.append(imei)
    return imeis


def variation_of(db: Database, imei: str) -> int:
    with db.reads() as s:
        return inventory.find_unit(s, imei).variation_id


def pack_and_ship(db: Database, number: str, imeis: list[str], tracking: str = "TRK1", carrier: str | None = "UPS") -> None:
    with db.sessions.begin() as s:
        for imei in imeis:
            fulfilment.commit_unit(s, number, imei)
    with db.sessions.begin() as s:
        fulfilment.ship_order(s, number, tracking, carrier)


@dataclass
class World:
    db: Database
    sandbox: SandboxServer
    naps: Any
    token: str
    engine: SyncEngine = field(init=False)
    timeout: float = 5.0

    def __post_init__(self) -> None:
        configure(self.db, api_url=self.sandbox.url)
        store_token(self.db, self.token)
        self.engine = SyncEngine(self.db, self.client, station="test (pid 1)")

    def client(self) -> BackMarketClient:
        from app.sync.config import build_client

        return build_client(self.db, sleep=self.naps, timeout=self.timeout, request_budget=None)

    def cycle(self) -> SyncReport:
        return self.engine.run_once()

    @property
    def store(self):
        return self.sandbox.store

    def requests(self, method: str | None = None, prefix: str = "/ws/") -> list[dict]:
        return [r for r in self.store.request_log()
                if (method is None or r["method"] == method) and r["path"].startswith(prefix)]

    def writes(self) -> list[dict]:
        return [r for r in self.store.request_log() if r["method"] in ("POST", "PATCH")]

    def local_order(self, remote_id: int) -> dict:
        from app.domain.orders_view import orders_rows

        with self.db.reads() as s:
            return next(o for o in orders_rows(s) if o["external_id"] == str(remote_id))


JANE = {"first_name": "Jane", "last_name": "Doe", "street": "1 rue des Archives", "postal_code": "75003",
        "city": "Paris", "country": "FR", "phone": "+33600000000", "email": "", "gender": 1}
