"""The demo catalog: the stock `refurbdesk demo` starts with and the listings its sandbox seeds.

Both sides read this one table so the demo's Back Market listings always match its inventory.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoVariation:
    manufacturer: str
    model: str
    model_number: str
    network: str
    capacity: str
    color: str
    grade: str
    conditions: tuple[str, ...]
    sku: str
    units: int
    bm_grade: str  # Back Market listing grade (PREMIUM, EXCELLENT, VERY_GOOD, GOOD, FAIR, STALLONE)
    price: str

    @property
    def title(self) -> str:
        return f"{self.manufacturer} {self.model} {self.capacity} {self.color}"


DEMO_VARIATIONS: tuple[DemoVariation, ...] = (
    DemoVariation("Apple", "iPhone 13", "A2633", "Unlocked", "128GB", "Midnight", "A", (), "IP13-128-MID-A", 6, "EXCELLENT", "429.00"),
    DemoVariation("Apple", "iPhone 13", "A2633", "Unlocked", "128GB", "Midnight", "B", ("SC",), "IP13-128-MID-B", 4, "GOOD", "389.00"),
    DemoVariation("Apple", "iPhone 13", "A2633", "Unlocked", "128GB", "Midnight", "C", ("SC", "BS"), "IP13-128-MID-C", 3, "FAIR", "339.00"),
    DemoVariation("Apple", "iPhone 12", "A2403", "Unlocked", "64GB", "Blue", "A", (), "IP12-64-BLU-A", 5, "EXCELLENT", "309.00"),
    DemoVariation("Apple", "iPhone 8 Plus", "A1864", "Sprint", "64GB", "Rose Gold", "B", ("SC",), "IP8P-64-RG-B", 3, "GOOD", "149.00"),
    DemoVariation("Samsung", "Galaxy S22", "SM-S901U", "Unlocked", "128GB", "Phantom Black", "A", (), "S22-128-BLK-A", 5, "EXCELLENT", "379.00"),
    DemoVariation("Samsung", "Galaxy S22", "SM-S901U", "Unlocked", "128GB", "Phantom Black", "C", ("CB",), "S22-128-BLK-C", 2, "FAIR", "289.00"),
    DemoVariation("Google", "Pixel 7", "GVU6C", "Unlocked", "128GB", "Obsidian", "A", (), "PX7-128-OBS-A", 4, "EXCELLENT", "299.00"),
    DemoVariation("Apple", "iPad Air 5", "A2588", "Wi-Fi", "64GB", "Space Gray", "A", (), "IPADAIR5-64-SG-A", 3, "EXCELLENT", "449.00"),
    DemoVariation("Apple", "Watch Series 8", "A2770", "GPS", "45mm", "Midnight", "B", ("SC",), "AW8-45-MID-B", 2, "GOOD", "229.00"),
)

# A Back Market listing the demo has no stock for: its row shows why nothing is pushed.
DEMO_UNMATCHED_LISTING = ("OP11-256-GRN-A", "OnePlus 11 256GB Eternal Green", "EXCELLENT", "449.00")
