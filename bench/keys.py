"""Key names that say the size that was measured: `import_100k_units_s` only when 100,000 rows ran."""

from __future__ import annotations


def size_tag(n: int) -> str:
    if n and n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def import_key(rows: int) -> str:
    return f"import_{size_tag(rows)}_units_s"


def sync_full_key(listings: int) -> str:
    return f"sync_full_{size_tag(listings)}_listings_s"
