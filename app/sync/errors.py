"""Everything that can go wrong talking to Back Market, each in words a warehouse manager can act on.

Every error has a stable `kind` (for the sync health panel and the outbox) and a `user_message`.
Messages never carry the API token: the client scrubs Back Market's own text before it lands here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class BackMarketError(Exception):
    """Base class: `kind` is a short stable string, `user_message` is plain words for the manager."""

    kind = "error"
    default_user_message = "Something went wrong talking to Back Market."

    def __init__(self, message: str, *, user_message: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.user_message = user_message or self.default_user_message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"


class TokenRejected(BackMarketError):
    kind = "token_rejected"
    default_user_message = (
        "Back Market did not accept the API token. It may have expired or been replaced: create a new "
        "one in the Back Market Back Office (Options → Integrations) and paste it in the Back Market tab."
    )


class AccountNotAllowed(BackMarketError):
    """A JSON 403: the token is fine but the account may not use this (not a merchant, channel disabled)."""

    kind = "account_not_allowed"
    default_user_message = (
        "Back Market refused access for this seller account. Ask your Back Market contact whether "
        "the API integration is enabled for the account."
    )


class FirewallBlocked(BackMarketError):
    """Cloudflare's HTML 403: nothing to fix locally, Back Market has to look up the ray id."""

    kind = "firewall_blocked"

    def __init__(self, message: str, *, cf_ray: str | None = None, status: int | None = 403) -> None:
        self.cf_ray = cf_ray
        reference = f" and give them this reference: cf-ray {cf_ray}" if cf_ray else ""
        super().__init__(
            message,
            status=status,
            user_message=(
                "Back Market's firewall blocked the request. Contact your Back Market seller "
                f"contact{reference}."
            ),
        )

    def __repr__(self) -> str:
        return f"FirewallBlocked({self.message!r}, cf_ray={self.cf_ray!r})"


class BotChallenge(BackMarketError):
    kind = "bot_challenge"
    default_user_message = (
        "Back Market's bot protection stopped the request and asked for a check the app cannot pass. "
        "The sync will try again later; if this keeps happening, tell your Back Market contact."
    )


class RateLimited(BackMarketError):
    kind = "rate_limited"
    default_user_message = (
        "Back Market asked the app to slow down (too many requests). The sync will try again shortly."
    )

    def __init__(self, message: str, *, retry_after: float | None = None, status: int | None = 429) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class Offline(BackMarketError):
    """No answer at all. `may_have_reached_server` says whether a write could have been applied anyway."""

    kind = "offline"
    default_user_message = (
        "Could not reach Back Market. Check the internet connection; the sync will try again."
    )

    def __init__(self, message: str, *, may_have_reached_server: bool = False) -> None:
        super().__init__(message)
        self.may_have_reached_server = may_have_reached_server


class ServerError(BackMarketError):
    kind = "server_error"
    default_user_message = "Back Market's servers had a problem. The sync will try again later."


class MalformedResponse(BackMarketError):
    kind = "malformed_response"
    default_user_message = (
        "Back Market sent an answer the app could not read. The sync will try again later."
    )


class RequestRejected(BackMarketError):
    """A 4xx refusal; `message` holds Back Market's own explanation when it gave one."""

    kind = "request_rejected"

    def __init__(self, message: str, *, status: int | None = None, user_message: str | None = None) -> None:
        super().__init__(
            message,
            status=status,
            user_message=user_message or f"Back Market refused the request: {message}",
        )


class NotFound(RequestRejected):
    kind = "not_found"

    def __init__(self, message: str, *, status: int | None = 404, detail: str | None = None) -> None:
        super().__init__(
            message, status=status, user_message=f"Back Market could not find it: {detail or message}"
        )


def error_for_refusal(request: str, status: int, headers: Mapping[str, str], text: str) -> BackMarketError:
    """The error for a 4xx answer (other than 429). `text` must already be scrubbed of the token."""
    detail = describe_error_body(text)
    where = f"{request}: HTTP {status}"
    if status == 401:
        return TokenRejected(f"{where} ({detail})", status=status)
    if status == 403:
        return _forbidden(where, headers, text, detail)
    if status == 404:
        return NotFound(f"{where} ({detail})", status=status, detail=detail)
    return RequestRejected(
        f"{detail} ({where})", status=status, user_message=f"Back Market refused the request: {detail}"
    )


def _forbidden(where: str, headers: Mapping[str, str], text: str, detail: str) -> BackMarketError:
    """A 403 is three different things (api doc §1.4): firewall, bot check, or the account itself."""
    cf_ray = headers.get("cf-ray")
    content_type = headers.get("content-type", "").lower()
    blocked = f"{where}: blocked by Back Market's firewall (cf-ray {cf_ray})"
    if "html" in content_type or text.lstrip().startswith("<"):
        return FirewallBlocked(blocked, cf_ray=cf_ray)
    if "bot-need-challenge" in text:
        return BotChallenge(f"{where}: bot check required ({detail})", status=403)
    if cf_ray and not content_type.startswith("application/json"):
        return FirewallBlocked(blocked, cf_ray=cf_ray)
    return AccountNotAllowed(
        f"{where} ({detail})",
        status=403,
        user_message=(
            f"Back Market refused access for this seller account: {detail}. Ask your Back Market "
            "contact whether the API integration is enabled for the account."
        ),
    )


def describe_error_body(text: str, limit: int = 300) -> str:
    """Pull Back Market's own message out of whichever error envelope it used (api doc §2.5)."""
    try:
        body: Any = json.loads(text)
    except ValueError:
        body = None
    message = _message_from(body) if body is not None else None
    if not message:
        message = " ".join(text.split())
    return message[:limit] if message else "no details given"


def _message_from(body: Any) -> str | None:
    if isinstance(body, str):
        return body  # listing POSTs document a bare JSON string
    if isinstance(body, list):
        parts = [_message_from(item) for item in body]
        return "; ".join(p for p in parts if p) or None
    if not isinstance(body, dict):
        return None
    parts: list[str] = []
    error = body.get("error")
    if isinstance(error, dict):  # ErrorResponseV1 / V3 / the 422 order-id validation
        parts.append(_code_and_message(error))
    elif isinstance(error, str):
        parts.append(error)
    errors = body.get("errors")
    if isinstance(errors, list):  # ErrorResponseV2
        parts.extend(_code_and_message(e) for e in errors if isinstance(e, dict))
    fields = (body.get("data") or {}).get("fields") if isinstance(body.get("data"), dict) else None
    if isinstance(fields, dict):
        for name, problems in fields.items():
            text = "; ".join(map(str, problems)) if isinstance(problems, list) else str(problems)
            parts.append(f"{name}: {text}")
    if not parts:
        for key in ("message", "detail", "title", "bodymessage"):
            if isinstance(body.get(key), str):
                parts.append(body[key])
                break
    return " — ".join(p for p in parts if p) or None


def _code_and_message(error: dict[str, Any]) -> str:
    message = str(error.get("message") or error.get("title") or "")
    code = error.get("code")
    if code and message:
        return f"{message} ({code})"
    return message or str(code or "")
