"""The Orders tab: find orders, create a direct order, change its status or cancel it."""

from app.ui.orders.tab import OrdersTab

__all__ = ["OrdersTab"]
