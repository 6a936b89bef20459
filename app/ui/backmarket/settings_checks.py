"""What is wrong with the Back Market settings form, in the form's words (no Qt)."""

from __future__ import annotations

from typing import Any

from app.domain import settings
from app.domain.errors import DomainError
from app.sync import platforms

# The form's words for the setting names the domain's refusals start with.
FIELD_LABELS = {
    "backmarket.api_url": "Custom address", "backmarket.market": "Market", "backmarket.platform": "Platform",
    "backmarket.mapping": "Listings map by", "backmarket.customer_name": "Customer is",
    "backmarket.since_days": "First import looks back", "backmarket.interval_seconds": "Full sync every",
    "backmarket.order_states": "Order state", "backmarket.statuses": "Counted inventory statuses",
    "backmarket.warehouses": "Counted warehouses",
}


def in_form_words(message: str) -> str:
    """A domain refusal ("backmarket.api_url: …") with the setting named as the form names it."""
    for key, label in FIELD_LABELS.items():
        if message.startswith(key):
            return label + message[len(key):]
    return message


def validate(values: dict[str, Any]) -> str | None:
    """What is wrong with these settings, in words; None when they can be saved.

    The same checks as `refurbdesk settings set` and `backmarket configure` (settings.check); the
    names are checked against the lists again when the save reaches the database.
    """
    for key, value in values.items():
        try:
            settings.check(key, value)
        except DomainError as exc:
            return in_form_words(str(exc))
    url = values["backmarket.api_url"]
    market = values["backmarket.market"]
    if market and not url and platforms.MARKET_PLATFORM[market] != values["backmarket.platform"]:
        return (f"Market {market} is on the {platforms.MARKET_PLATFORM[market].upper()} platform, "
                f"not {values['backmarket.platform'].upper()}: a token works on one platform only.")
    if not values["backmarket.statuses"]:
        return "Tick at least one inventory status that counts towards the quantities."
    return None
