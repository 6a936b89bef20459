"""Back Market's three regional platforms, their hosts, default markets and the User-Agent they ask for."""

from __future__ import annotations

PRODUCTION_HOSTS = {
    "eu": "https://www.backmarket.fr",
    "us": "https://www.backmarket.com",
    "ap": "https://www.backmarket.co.jp",
}
PREPROD_HOSTS = {
    "eu": "https://preprod.backmarket.fr",
    "us": "https://preprod.backmarket.com",
    "ap": "https://preprod.backmarket.co.jp",
}

DEFAULT_MARKET = {"eu": "fr-fr", "us": "en-us", "ap": "ja-jp"}

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


def base_url(platform: str, preprod: bool = False) -> str:
    """The API host for a platform; seller endpoints live under `/ws/` on it. A token only works on one."""
    key = platform.strip().lower()
    hosts = PREPROD_HOSTS if preprod else PRODUCTION_HOSTS
    if key not in hosts:
        raise ValueError(f"unknown Back Market platform {platform!r}; expected one of eu, us, ap")
    return hosts[key]


def default_user_agent(
    company: str = "RefurbDesk", integration: str = "Sync", contact: str = "contact@example.com"
) -> str:
    """The documented `BM-{Company}-{Integration};{email}` form; requests without one may be refused."""
    return f"BM-{company}-{integration};{contact}"
