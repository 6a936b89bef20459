"""Back Market's platforms, markets and order states: the words its settings may use.

Kept in the domain so that a setting is checked the same way wherever it is written (CLI, GUI,
`backmarket configure`); app/sync/platforms.py adds the hosts on top.
"""

from __future__ import annotations

PLATFORMS = ("eu", "us", "ap")

# The Accept-Language codes each platform serves, with the currency a price update must carry there.
MARKET_CURRENCY = {
    "fr-fr": "EUR", "fr-be": "EUR", "es-es": "EUR", "de-de": "EUR", "de-at": "EUR", "it-it": "EUR",
    "en-gb": "GBP", "nl-nl": "EUR", "pt-pt": "EUR", "en-ie": "EUR", "el-gr": "EUR", "sk-sk": "EUR",
    "sv-se": "SEK",
    "en-us": "USD",
    "ja-jp": "JPY", "en-au": "AUD",
}
MARKET_PLATFORM = {
    **{code: "eu" for code in (
        "fr-fr", "fr-be", "es-es", "de-de", "de-at", "it-it", "en-gb", "nl-nl", "pt-pt", "en-ie",
        "el-gr", "sk-sk", "sv-se",
    )},
    "en-us": "us",
    "ja-jp": "ap", "en-au": "ap",
}

# The order-line states (and whole-order outcomes) that map to a local order status.
ORDER_STATE_KEYS = ("0", "1", "3", "8", "9", "10", "cancelled", "refunded")
