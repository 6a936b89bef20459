"""ShipStation carrier codes are account codes (`stamps_com` buys USPS labels); people and Back Market
want the carrier's name."""

from __future__ import annotations

DISPLAY_NAMES = {
    "stamps_com": "USPS",
    "usps": "USPS",
    "endicia": "USPS",
    "ups": "UPS",
    "fedex": "FedEx",
    "dhl_express": "DHL Express",
}


def carrier_display_name(code: str | None) -> str:
    """The carrier's name for a ShipStation carrier code; an unknown code is shown as it is.

    /fulfillments already carries display-style values ("USPS", "FedEx"), so the lookup ignores case
    and keeps those as they came.
    """
    text = (code or "").strip()
    return DISPLAY_NAMES.get(text.lower(), text)


def carrier_code_for(name: str | None) -> str:
    """The ShipStation carrier code to send with markasshipped for a carrier typed at the packing station."""
    text = (name or "").strip().lower()
    for code, display in (("usps", "USPS"), ("ups", "UPS"), ("fedex", "FedEx"), ("dhl_express", "DHL Express")):
        if text in (code, display.lower()):
            return code
    return "other"
