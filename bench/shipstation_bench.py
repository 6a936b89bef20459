"""ShipStation bench: one ShipStation cycle for N orders against the local sandbox at the real limit
(40 requests per minute per key, fixed 60 s window), then the cycle that ships them from their labels.

    python -m bench.shipstation_bench --orders 500 --json FILE

Reported: `shipstation_cycle_s` (pushing N new orders), `shipstation_labels_cycle_s` (reading N
labels and shipping N local orders through the packing station's rules), the requests each made,
and the rate-limit floor beside them (requests ÷ 40 per minute: the time no client could beat).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

KEY = "bench-key:bench-secret"


def _seed(db, n: int) -> list[str]:
    from app.domain import addresses, fulfilment, orders
    from app.domain.csv_import import import_inventory
    from bench.sync_bench import _luhn_imei

    rows = ["imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,sku"]
    rows += [f"{_luhn_imei(i + 1)},Bench,Phone,,,128GB,Black,A,,Available,Main,BENCH-SS" for i in range(n)]
    with db.sessions.begin() as session:
        import_inventory(session, "\n".join(rows) + "\n")
    address = addresses.parse_ship_to("name=Bench Buyer,street1=1 rue du Banc,city=Lyon,postal_code=69001,country=FR")
    numbers = []
    with db.sessions.begin() as session:
        for i in range(n):
            order, _ = orders.create_direct_order(session, f"Buyer {i}", [orders.parse_line("sku=BENCH-SS,qty=1")])
            addresses.set_address(session, order.id, address)
            numbers.append(order.number)
    with db.sessions.begin() as session:
        for i, number in enumerate(numbers):
            fulfilment.commit_unit(session, number, _luhn_imei(i + 1))
    return numbers


def run_shipstation_bench(n: int) -> dict:
    from app.db import open_database
    from app.domain import settings
    from app.domain.setup import initialize
    from app.integrations.shipstation.client import ShipStationV1Client
    from app.integrations.shipstation.sandbox import SandboxServer
    from app.integrations.shipstation.steps import run_shipstation_steps

    results: dict = {"shipstation_orders": n}
    with tempfile.TemporaryDirectory(prefix="refurbdesk-ss-bench-") as tmp, SandboxServer() as sandbox:
        sandbox.store.add_key(KEY)
        db = open_database(f"sqlite:///{Path(tmp) / 'ss.sqlite3'}")
        initialize(db)
        numbers = _seed(db, n)
        with db.sessions.begin() as session:
            settings.set_(session, "shipstation.enabled", True)
            settings.set_(session, "shipstation.api_url", sandbox.url)
        with ShipStationV1Client(sandbox.url, KEY) as client:
            for name in ("shipstation_cycle", "shipstation_labels_cycle"):
                if name == "shipstation_labels_cycle":
                    for i, number in enumerate(numbers):
                        sandbox.store.buy_label(number, tracking_number=f"9400{i:018d}")
                before = client.requests_made
                t0 = time.perf_counter()
                result = run_shipstation_steps(db, client, lambda _text: None)
                results[f"{name}_s"] = round(time.perf_counter() - t0, 2)
                requests = client.requests_made - before
                results[f"{name}_requests"] = requests
                results[f"{name}_rate_floor_s"] = round(max(0, requests - 40) / 40 * 60, 1)
                results[f"{name}_error"] = result.error
                results[f"{name}_done"] = result.pushed if name == "shipstation_cycle" else result.shipped_from_labels
            results["shipstation_throttled"] = sandbox.store.limits.throttled
        db.dispose()
    return results


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.shipstation_bench", description=__doc__.splitlines()[0])
    p.add_argument("--orders", type=int, default=500)
    p.add_argument("--json", dest="json_path", default=None)
    args = p.parse_args(argv)
    results = run_shipstation_bench(args.orders)
    for key, value in results.items():
        print(f"{key:36} {value}")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
