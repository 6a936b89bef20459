"""The Back Market sandbox in a process of its own, as the real marketplace is: its HTTP threads
never share the measured app's interpreter lock.

    python -m bench.sandbox_process LISTINGS.json TOKEN

LISTINGS.json is a list of [uuid, listing_id, sku, quantity]. Prints the sandbox's URL on one line,
then serves until its stdin closes (the parent ends it by closing the pipe).
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    from app.sync.sandbox import SandboxServer
    from app.sync.sandbox.listings import Listing, Offer
    from app.sync.sandbox.wire import money

    path, token = argv
    rows = json.loads(open(path, encoding="utf-8").read())
    server = SandboxServer(port=0, block_seconds=2.0)
    store = server.store
    store.add_token(token)
    with store.lock:  # add_listing checks SKUs one by one (quadratic at 10k): build them directly
        for uuid, listing_id, sku, quantity in rows:
            listing = Listing(sku=sku, title=f"Listing {sku}", grade="GOOD", quantity=quantity, listing_id=listing_id,
                              backmarket_id=store._next_id("product"), id=uuid, brand="Bench")
            listing.offers["fr-fr"] = Offer(price=money("199.00"), currency="EUR")
            store.listings[listing.id] = listing
    server.start()
    print(server.url, flush=True)
    try:
        sys.stdin.read()  # until the parent closes the pipe
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
