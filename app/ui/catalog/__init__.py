"""The Catalog tab: every variation with its SKU and units by status, filtered in SQL."""

from app.ui.catalog.tab import CatalogTab

__all__ = ["CatalogTab"]
