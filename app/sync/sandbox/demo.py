"""`--demo`: the sandbox seeded with the demo catalogue's listings, and customers who keep buying."""

from __future__ import annotations

import logging
import random
import threading

from app.demo.catalog import DEMO_UNMATCHED_LISTING, DEMO_VARIATIONS
from app.sync.sandbox.store import SandboxStore

logger = logging.getLogger(__name__)

DEMO_TOKEN = "demo-sandbox-token"

DEMO_CUSTOMERS = (
    {"first_name": "Jane", "last_name": "Doe", "street": "1 rue des Archives", "postal_code": "75003",
     "city": "Paris", "country": "FR", "phone": "+33600000000", "email": "jane.doe@example.invalid",
     "gender": 1},
    {"first_name": "Lucas", "last_name": "Martin", "company": "Atelier Martin", "street": "12 quai Perrache",
     "street2": "Bâtiment B", "postal_code": "69002", "city": "Lyon", "country": "FR",
     "phone": "+33611111111", "gender": 0},  # no email: real orders have "" fields
    {"first_name": "Sofia", "last_name": "Rossi", "street": "Via Roma 5", "postal_code": "20121",
     "city": "Milano", "country": "IT", "phone": "+393331234567", "email": "sofia@example.invalid",
     "gender": 1},
)


def seed_demo(store: SandboxStore) -> None:
    """Listings for every demo variation (quantity 0 until the app pushes), one the app cannot match,
    the demo token, and two paid orders waiting to be accepted."""
    for variation in DEMO_VARIATIONS:
        store.add_listing(variation.sku, variation.title, variation.bm_grade, variation.price, quantity=0)
    sku, title, grade, price = DEMO_UNMATCHED_LISTING
    store.add_listing(sku, title, grade, price, quantity=0)
    store.add_token(DEMO_TOKEN)
    # These were bought while Back Market still showed stock, so they may take it below zero.
    for variation, customer in zip(DEMO_VARIATIONS[:2], DEMO_CUSTOMERS):
        store.place_order([{"sku": variation.sku, "quantity": 1}], shipping_address=customer,
                          state=1, allow_oversell=True)


class DemoOrders:
    """Every `interval` seconds a customer buys one unit of a random listing that has stock."""

    def __init__(self, store: SandboxStore, interval: float = 60.0, seed: int | None = None) -> None:
        self.store = store
        self.interval = interval
        self._random = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sandbox-demo-orders", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def place_one(self) -> dict | None:
        in_stock = [item["sku"] for item in self.store.all_listings() if item["quantity"] > 0]
        if not in_stock:
            return None
        sku = self._random.choice(in_stock)
        try:
            return self.store.place_order([{"sku": sku, "quantity": 1}], state=1,
                                          shipping_address=self._random.choice(DEMO_CUSTOMERS))
        except ValueError as problem:  # sold out between the look and the purchase
            logger.info("sandbox demo: no order this time (%s)", problem)
            return None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.place_one()
