"""The Inventory tab: receive, look up, move, returns desk, CSV import."""

from app.ui.inventory.tab import InventoryTab

__all__ = ["InventoryTab"]
