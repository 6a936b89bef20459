"""The sandbox's account: key pairs, stores, orders, shipments (labels) and fulfillments, in the
shapes ShipStation v1 answers with (shipstation-api.md §3, §4, §6). Every method runs under `lock`."""

from __future__ import annotations

import itertools
import threading
from datetime import datetime, timezone
from typing import Any

from app.integrations.shipstation.dates import from_pacific, to_pacific
from app.integrations.shipstation.sandbox.faults import FaultBook
from app.integrations.shipstation.sandbox.limits import Limits
from app.sync.sandbox.wire import Refusal

OPEN_STATUSES = ("awaiting_payment", "awaiting_shipment", "on_hold", "pending_fulfillment")
CREATE_STATUSES = ("awaiting_payment", "awaiting_shipment", "shipped", "on_hold", "cancelled")
MANUAL_STORE_ID = 22766
FIRST_ID = 3_000_000_001  # past 2^31, as ShipStation's ids now are


def bad_request(message: str) -> Refusal:
    return Refusal(400, {"message": message})


class SandboxStore:
    def __init__(self, limits: Limits | None = None) -> None:
        self.lock = threading.RLock()
        self.limits = limits or Limits()
        self.faults = FaultBook()
        self.keys: dict[str, bool] = {}  # "KEY:SECRET" -> active
        self.stores: list[dict[str, Any]] = [_store(MANUAL_STORE_ID, "ShipStation Manual Store", 0, "ShipStation")]
        self.orders: dict[int, dict[str, Any]] = {}
        self.shipments: dict[int, dict[str, Any]] = {}
        self.fulfillments: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(FIRST_ID)
        self.frozen_now: datetime | None = None
        self._log: list[dict[str, Any]] = []

    # ---- account --------------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.frozen_now or datetime.now(timezone.utc)

    def add_key(self, key_and_secret: str) -> None:
        self.keys[key_and_secret] = True

    def revoke_key(self, key_and_secret: str) -> None:
        self.keys[key_and_secret] = False

    def key_active(self, key_and_secret: str | None) -> bool:
        return bool(key_and_secret) and self.keys.get(key_and_secret or "", False)

    def add_store(self, name: str, marketplace: str = "Back Market", marketplace_id: int = 1000) -> dict[str, Any]:
        store = _store(next(self._ids), name, marketplace_id, marketplace)
        self.stores.append(store)
        return store

    # ---- orders ---------------------------------------------------------------------------------

    def upsert_order(self, body: Any) -> dict[str, Any]:
        """createorder: update the order with this orderKey, or create it (§3.1)."""
        if not isinstance(body, dict):
            raise bad_request("The request is invalid: an order object is required.")
        for field in ("orderNumber", "orderDate", "orderStatus"):
            if not body.get(field):
                raise bad_request(f"The request is invalid: {field} is required.")
        for field in ("billTo", "shipTo"):
            if not isinstance(body.get(field), dict):
                raise bad_request(f"The request is invalid: {field} is required.")
        status = str(body["orderStatus"])
        if status not in CREATE_STATUSES:
            raise bad_request(f"The request is invalid: '{status}' is not a valid orderStatus.")
        if str(body["orderNumber"]) in self.faults.broken_orders:
            raise Refusal(500, {"Message": "An error has occurred.",
                                "ExceptionMessage": "Object reference not set to an instance of an object."})
        existing = self.order_by_key(body.get("orderKey")) if body.get("orderKey") else None
        if existing is None and body.get("orderId"):
            existing = self.orders.get(int(body["orderId"]))
        now = to_pacific(self.now(), answer_style=True)
        if existing is not None:
            if existing["orderStatus"] not in OPEN_STATUSES:
                raise bad_request(f"Order {existing['orderNumber']} is {existing['orderStatus']} and can no "
                                  "longer be modified.")
            store_id = existing["advancedOptions"]["storeId"]  # only settable at creation
            order = existing
        else:
            order = {"orderId": next(self._ids), "orderKey": body.get("orderKey") or f"ss-{len(self.orders) + 1}",
                     "createDate": now, "active": True, "shipments": []}
            store_id = int((body.get("advancedOptions") or {}).get("storeId") or MANUAL_STORE_ID)
            if not any(s["storeId"] == store_id for s in self.stores):
                raise bad_request(f"The request is invalid: store {store_id} does not exist.")
        items = []
        for index, item in enumerate(body.get("items") or []):
            if not isinstance(item, dict) or not item.get("name"):
                raise bad_request(f"The request is invalid: items[{index}].name cannot be null.")
            previous = next((i for i in order.get("items", []) if i.get("lineItemKey") == item.get("lineItemKey")
                             and item.get("lineItemKey")), None)
            items.append({**item, "orderItemId": previous["orderItemId"] if previous else next(self._ids),
                          "options": list(item.get("options") or []), "createDate": now[:23],
                          "modifyDate": now[:23]})
        order.update({
            "orderNumber": str(body["orderNumber"]), "orderDate": body["orderDate"], "modifyDate": now,
            "orderStatus": status, "customerEmail": body.get("customerEmail"),
            "billTo": body["billTo"], "shipTo": body["shipTo"], "items": items,
            "amountPaid": body.get("amountPaid"), "internalNotes": body.get("internalNotes"),
            "advancedOptions": {**(body.get("advancedOptions") or {}), "storeId": store_id},
            "externallyFulfilled": False,
        })
        self.orders[order["orderId"]] = order
        return self.public_order(order)

    def order_by_key(self, order_key: str | None) -> dict[str, Any] | None:
        return next((o for o in self.orders.values() if o["orderKey"] == order_key and o["active"]), None)

    def order_by_number(self, number: str) -> dict[str, Any]:
        order = next((o for o in self.orders.values() if o["orderNumber"] == number and o["active"]), None)
        if order is None:
            raise KeyError(f"no order {number}")
        return order

    def order(self, order_id: int) -> dict[str, Any]:
        order = self.orders.get(int(order_id))
        if order is None or not order["active"]:
            raise Refusal(404, {"message": "Order not found"})
        return order

    def public_order(self, order: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in order.items() if k not in ("active", "shipments")}

    def delete_order(self, order_id: int) -> dict[str, Any]:
        self.order(order_id)["active"] = False
        return {"success": True, "message": "The requested order has been deleted."}

    def mark_as_shipped(self, body: Any, *, by_api: bool = True) -> dict[str, Any]:
        if not isinstance(body, dict) or not body.get("orderId") or not body.get("carrierCode"):
            raise bad_request("The request is invalid: orderId and carrierCode are required.")
        order = self.order(int(body["orderId"]))
        if order["orderStatus"] == "cancelled":
            raise bad_request(f"Order {order['orderNumber']} is cancelled and cannot be marked as shipped.")
        if order["orderStatus"] == "shipped":
            raise bad_request(f"Order {order['orderNumber']} has already been shipped.")
        now = self.now()
        fulfillment = {
            "fulfillmentId": next(self._ids), "orderId": order["orderId"], "orderNumber": order["orderNumber"],
            "userId": None, "customerEmail": order.get("customerEmail"),
            "trackingNumber": body.get("trackingNumber"), "createDate": to_pacific(now, answer_style=True),
            "shipDate": (body.get("shipDate") or to_pacific(now)[:10])[:10] + "T00:00:00.0000000",
            "voidDate": None, "deliveryDate": None, "carrierCode": body["carrierCode"],
            "fulfillmentProviderCode": None, "fulfillmentServiceCode": None, "fulfillmentFee": 0,
            "voidRequested": False, "voided": False,
            "marketplaceNotified": bool(body.get("notifySalesChannel")), "notifyErrorMessage": None,
            "shipTo": order["shipTo"],
        }
        self.fulfillments[fulfillment["fulfillmentId"]] = fulfillment
        order["orderStatus"] = "shipped"
        order["modifyDate"] = fulfillment["createDate"]
        return {"orderId": order["orderId"], "orderNumber": order["orderNumber"]} if by_api else fulfillment

    # ---- labels (admin: what a seller does in ShipStation's screens) ----------------------------

    def buy_label(self, order_number: str, *, tracking_number: str, carrier_code: str = "stamps_com",
                  service_code: str = "usps_priority_mail", cost: float = 7.5,
                  created: datetime | None = None) -> dict[str, Any]:
        order = self.order_by_number(order_number)
        if order["orderStatus"] not in ("awaiting_shipment", "on_hold"):
            raise bad_request(f"Order {order_number} is {order['orderStatus']}: no label can be bought.")
        when = created or self.now()
        shipment = {
            "shipmentId": next(self._ids), "orderId": order["orderId"], "orderKey": order["orderKey"],
            "userId": None, "customerEmail": order.get("customerEmail"), "orderNumber": order["orderNumber"],
            "createDate": to_pacific(when, answer_style=True), "shipDate": to_pacific(when)[:10],
            "shipmentCost": cost, "insuranceCost": 0, "trackingNumber": tracking_number, "isReturnLabel": False,
            "batchNumber": None, "carrierCode": carrier_code, "serviceCode": service_code,
            "packageCode": "package", "confirmation": "none", "warehouseId": None, "voided": False,
            "voidDate": None, "marketplaceNotified": False, "notifyErrorMessage": None,
            "shipTo": order["shipTo"], "weight": None, "dimensions": None, "insuranceOptions": None,
            "advancedOptions": None, "shipmentItems": None, "labelData": None, "formData": None,
        }
        self.shipments[shipment["shipmentId"]] = shipment
        order["orderStatus"] = "shipped"
        order["modifyDate"] = shipment["createDate"]
        return shipment

    def void_label(self, shipment_id: int) -> dict[str, Any]:
        shipment = self.shipments.get(int(shipment_id))
        if shipment is None:
            raise KeyError(f"no shipment {shipment_id}")
        if not shipment["voided"]:
            shipment["voided"] = True
            shipment["voidDate"] = to_pacific(self.now(), answer_style=True)
            order = self.orders.get(shipment["orderId"])
            live = [s for s in self.shipments.values() if s["orderId"] == shipment["orderId"] and not s["voided"]]
            if order is not None and not live and order["orderStatus"] == "shipped":
                order["orderStatus"] = "awaiting_shipment"  # "the order will return to Awaiting Shipment"
                order["modifyDate"] = shipment["voidDate"]
        return {"approved": True, "message": "Label voided successfully"}

    # ---- lists ----------------------------------------------------------------------------------

    def list_orders(self) -> list[dict[str, Any]]:
        return [self.public_order(o) for o in sorted(self.orders.values(), key=lambda o: o["orderId"])
                if o["active"]]

    def list_shipments(self) -> list[dict[str, Any]]:
        return sorted(self.shipments.values(), key=lambda s: s["shipmentId"])

    def list_fulfillments(self) -> list[dict[str, Any]]:
        return sorted(self.fulfillments.values(), key=lambda f: f["fulfillmentId"])

    # ---- the request log (never the Authorization header) ---------------------------------------

    def log_request(self, entry: dict[str, Any]) -> None:
        self._log.append(entry)

    def request_log(self) -> list[dict[str, Any]]:
        return list(self._log)

    def clear_request_log(self) -> None:
        self._log.clear()


def _store(store_id: int, name: str, marketplace_id: int, marketplace: str) -> dict[str, Any]:
    return {"storeId": store_id, "storeName": name, "marketplaceId": marketplace_id,
            "marketplaceName": marketplace, "accountName": None, "email": None, "integrationUrl": None,
            "active": True, "companyName": "", "phone": "", "publicEmail": "", "website": "",
            "refreshDate": None, "lastRefreshAttempt": None, "createDate": "2014-07-25T11:05:55.307",
            "modifyDate": "2014-11-12T08:45:20.55", "autoRefresh": False}


def created_after(item: dict[str, Any], start: str | None, field: str = "createDate") -> bool:
    """The list filters take Pacific times, like every date ShipStation sees."""
    if not start:
        return True
    stamp, bound = from_pacific(item.get(field)), from_pacific(start)
    return stamp is not None and bound is not None and stamp >= bound


def created_before(item: dict[str, Any], end: str | None, field: str = "createDate") -> bool:
    if not end:
        return True
    stamp, bound = from_pacific(item.get(field)), from_pacific(end)
    return stamp is not None and bound is not None and stamp <= bound
