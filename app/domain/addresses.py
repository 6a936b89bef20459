"""An order's structured ship-to address: parsed, checked, stored, read.

The free-text `orders.shipping_address` is kept as it always was; this is the address a shipping
service needs field by field. Back Market orders carry the buyer's; direct orders get one from the
order form or `order create --ship-to 'name=…,street1=…,city=…,postal_code=…,country=FR'`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import InvalidInput
from app.models import ShippingAddress

REQUIRED = ("name", "street1", "city", "postal_code", "country")


@dataclass(frozen=True)
class Address:
    name: str
    street1: str
    city: str
    postal_code: str
    country: str
    company: str = ""
    street2: str = ""
    street3: str = ""
    state: str = ""
    phone: str = ""
    email: str = ""

    def one_line(self) -> str:
        parts = [self.name, self.company, self.street1, self.street2, self.street3,
                 " ".join(p for p in (self.postal_code, self.city) if p), self.state, self.country]
        return ", ".join(p for p in parts if p)

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


FIELDS = tuple(f.name for f in fields(Address))


def make_address(values: dict[str, Any], *, what: str = "The shipping address") -> Address:
    """Check and tidy the fields: every required one present, a two-letter country code."""
    cleaned = {k: " ".join(str(v or "").split()) for k, v in values.items()}
    unknown = sorted(set(cleaned) - set(FIELDS))
    if unknown:
        raise InvalidInput(f"{what}: unknown field {', '.join(unknown)} (known: {', '.join(FIELDS)}).")
    missing = [k for k in REQUIRED if not cleaned.get(k)]
    if missing:
        raise InvalidInput(f"{what} needs {', '.join(missing)}.")
    country = cleaned["country"].upper()
    if len(country) != 2 or not country.isalpha():
        raise InvalidInput(f"{what}: country must be a two-letter code such as FR or US, not “{cleaned['country']}”.")
    cleaned["country"] = country
    return Address(**{k: cleaned.get(k, "") for k in FIELDS})


def parse_ship_to(text: str) -> Address:
    """`name=…,street1=…,city=…,postal_code=…,country=FR` (a value may not contain a comma)."""
    values: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise InvalidInput(f"Ship-to “{text}”: write key=value pairs, e.g. name=Jane Doe,street1=1 Main St,"
                               "city=Paris,postal_code=75003,country=FR.")
        values[key.strip().lower()] = value
    return make_address(values, what="The ship-to address")


def set_address(session: Session, order_id: int, address: Address) -> None:
    row = session.get(ShippingAddress, order_id)
    if row is None:
        session.add(ShippingAddress(order_id=order_id, **address.as_dict()))
    else:
        for key, value in address.as_dict().items():
            setattr(row, key, value)
    session.flush()


def get_address(session: Session, order_id: int) -> Address | None:
    row = session.get(ShippingAddress, order_id)
    return None if row is None else Address(**{k: getattr(row, k) for k in FIELDS})


def addresses_of(session: Session, order_ids: list[int]) -> dict[int, Address]:
    rows = session.scalars(select(ShippingAddress).where(ShippingAddress.order_id.in_(order_ids))) if order_ids else []
    return {row.order_id: Address(**{k: getattr(row, k) for k in FIELDS}) for row in rows}


def from_back_market(remote: dict[str, Any] | None) -> Address | None:
    """A Back Market shipping_address (first_name, last_name, street, street2, …); None when unusable."""
    remote = remote or {}
    get = lambda key: str(remote.get(key) or "").strip()  # noqa: E731 - "" and null both mean absent
    name = " ".join(p for p in (get("first_name"), get("last_name")) if p) or get("company")
    values = {"name": name, "company": get("company") if name != get("company") else "",
              "street1": get("street"), "street2": get("street2"), "city": get("city"), "state": get("state"),
              "postal_code": get("postal_code"), "country": get("country")[:2], "phone": get("phone"),
              "email": get("email")}
    try:
        return make_address(values)
    except InvalidInput:
        return None


def keep_back_market_address(session: Session, order_id: int, remote: dict[str, Any] | None) -> None:
    """Store the buyer's address from a Back Market order unless the order already has one (an
    address corrected here is not overwritten by the next import)."""
    if session.get(ShippingAddress, order_id) is not None:
        return
    address = from_back_market(remote)
    if address is not None:
        set_address(session, order_id, address)
