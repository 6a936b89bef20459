"""ShipStation v1's JSON shapes <-> the app's records (shipstation-api.md §3, §4, §6)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from app.integrations.shipstation.dates import from_pacific, to_pacific
from app.integrations.shipstation.errors import MalformedResponse
from app.integrations.shipstation.records import (
    Address, Fulfillment, OutgoingOrder, PushResult, RemoteOrder, Shipment, Store,
)

__all__ = ["to_pacific", "order_body", "push_results", "remote_order_from", "shipment_from",
           "fulfillment_from", "store_from"]


def address_body(address: Address) -> dict[str, Any]:
    return {
        "name": address.name, "company": address.company or None, "street1": address.street1,
        "street2": address.street2 or None, "street3": address.street3 or None, "city": address.city,
        "state": address.state or None, "postalCode": address.postal_code, "country": address.country,
        "phone": address.phone or None, "residential": None,
    }


def order_body(order: OutgoingOrder) -> dict[str, Any]:
    """The whole order every time: createorder has no partial updates."""
    body: dict[str, Any] = {
        "orderKey": order.order_key,
        "orderNumber": order.order_number,
        "orderDate": to_pacific(order.order_date),
        "orderStatus": order.status,
        "customerEmail": order.customer_email or None,
        "billTo": address_body(order.ship_to),
        "shipTo": address_body(order.ship_to),
        "items": [
            {
                "lineItemKey": item.line_key, "sku": item.sku, "name": item.name or item.sku or "Item",
                "quantity": item.quantity, "unitPrice": float(item.unit_price),
                "options": [{"name": "IMEI/Serial", "value": code} for code in item.codes],
            }
            for item in order.items
        ],
        "amountPaid": float(sum((i.unit_price * i.quantity for i in order.items), Decimal(0))),
        "internalNotes": order.internal_notes or None,
        "advancedOptions": {"storeId": order.store_id} if order.store_id else {},
    }
    if order.order_id:
        body["orderId"] = order.order_id
    return body


def push_results(batch: list[OutgoingOrder], data: Any) -> list[PushResult]:
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise MalformedResponse("the createorders answer has no 'results' list")
    by_key = {str(r.get("orderKey")): r for r in data["results"] if isinstance(r, dict)}
    results = []
    for order in batch:
        row = by_key.get(order.order_key)
        if row is None:
            results.append(PushResult(order.order_key, order.order_number, order.order_id, False,
                                      "ShipStation's answer did not mention this order"))
            continue
        ok = bool(row.get("success"))
        results.append(PushResult(order.order_key, order.order_number, _int(row.get("orderId")), ok,
                                  None if ok else str(row.get("errorMessage") or "refused without a reason")))
    return results


def remote_order_from(item: Any) -> RemoteOrder:
    if not isinstance(item, dict) or _int(item.get("orderId")) is None:
        raise MalformedResponse("an order from ShipStation has no orderId")
    return RemoteOrder(int(item["orderId"]), str(item.get("orderKey") or ""), str(item.get("orderNumber") or ""),
                       str(item.get("orderStatus") or ""), _when(item.get("modifyDate")))


def shipment_from(item: dict[str, Any]) -> Shipment:
    if _int(item.get("shipmentId")) is None:
        raise MalformedResponse("a shipment from ShipStation has no shipmentId")
    return Shipment(
        shipment_id=int(item["shipmentId"]), order_id=_int(item.get("orderId")),
        order_key=str(item.get("orderKey") or ""), order_number=str(item.get("orderNumber") or ""),
        tracking_number=str(item.get("trackingNumber") or "").strip(),
        carrier_code=str(item.get("carrierCode") or ""), service_code=str(item.get("serviceCode") or ""),
        cost=_money(item.get("shipmentCost")), ship_date=_when(item.get("shipDate")),
        created=_when(item.get("createDate")), voided=bool(item.get("voided")),
        void_date=_when(item.get("voidDate")),
    )


def fulfillment_from(item: dict[str, Any]) -> Fulfillment:
    if _int(item.get("fulfillmentId")) is None:
        raise MalformedResponse("a fulfillment from ShipStation has no fulfillmentId")
    return Fulfillment(
        fulfillment_id=int(item["fulfillmentId"]), order_id=_int(item.get("orderId")),
        order_number=str(item.get("orderNumber") or ""),
        tracking_number=str(item.get("trackingNumber") or "").strip(),
        carrier_code=str(item.get("carrierCode") or ""), ship_date=_when(item.get("shipDate")),
        created=_when(item.get("createDate")), voided=bool(item.get("voided")),
    )


def store_from(item: dict[str, Any]) -> Store:
    return Store(int(item.get("storeId") or 0), str(item.get("storeName") or ""),
                 str(item.get("marketplaceName") or ""), bool(item.get("active", True)))


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _money(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _when(value: Any):
    try:
        return from_pacific(value) if isinstance(value, str) else None
    except ValueError:
        return None
