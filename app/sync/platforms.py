"""Back Market's three regional platforms, their hosts, default markets and the User-Agent they ask for."""

from __future__ import annotations

from app.domain.bm_markets import MARKET_CURRENCY, MARKET_PLATFORM  # noqa: F401  (one definition, re-exported)

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
