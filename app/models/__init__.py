"""SQLAlchemy 2.0 typed models; importing this package registers every table on `Base.metadata`."""

from app.models.backmarket import Listing, OutboxMessage, QuarantinedRecord, SyncLease, SyncRun
from app.models.pending import PendingPush
from app.models.purchasing import (DiagnosticRun, LandedCost, LandedCostShare, Manifest, ManifestRow, PurchaseOrder,
                                   PurchaseOrderLine, PoReceipt, Vendor)
from app.models.base import Base, utcnow
from app.models.catalog import Condition, Grade, Product, Variation, VariationCondition
from app.models.inventory import InventoryStatus, Unit, UnitCode, UnitEvent, Warehouse
from app.models.orders import Channel, Commitment, Customer, Order, OrderLine, OrderStatus
from app.models.settings import Setting
from app.models.shipping import ShippingAddress, ShipStationOrder
from app.models.users import SettingChange, User
from app.models.vendor_returns import VendorRma, VendorRmaLine

__all__ = [
    "Base", "utcnow", "Setting",
    "Product", "Grade", "Condition", "Variation", "VariationCondition",
    "Warehouse", "InventoryStatus", "Unit", "UnitCode", "UnitEvent",
    "Customer", "Channel", "OrderStatus", "Order", "OrderLine", "Commitment",
    "Listing", "OutboxMessage", "QuarantinedRecord", "SyncRun", "SyncLease", "PendingPush",
    "ShippingAddress", "ShipStationOrder",
    "User", "SettingChange",
    "Vendor", "PurchaseOrder", "PurchaseOrderLine", "Manifest", "ManifestRow", "PoReceipt", "LandedCost",
    "LandedCostShare", "DiagnosticRun", "VendorRma", "VendorRmaLine",
]
