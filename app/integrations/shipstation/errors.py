"""Everything that can go wrong talking to ShipStation, each in words a seller can act on.

Every error has a stable `kind` (for the health panel and the sync report) and a `user_message`.
No message ever carries the API key or secret: the client scrubs ShipStation's text first.
"""

from __future__ import annotations

import json
from typing import Any


class ShipStationError(Exception):
    kind = "error"
    default_user_message = "Something went wrong talking to ShipStation."

    def __init__(self, message: str, *, user_message: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.user_message = user_message or self.default_user_message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"


class KeyRejected(ShipStationError):
    kind = "key_rejected"
    default_user_message = (
        "ShipStation did not accept the API key and secret. They may have expired (ShipStation keys now "
        "expire after 3, 6 or 12 months): create a new V1 key pair in ShipStation (Settings → Account → "
        "API Settings) and enter it again."
    )


class RateLimited(ShipStationError):
    kind = "rate_limited"
    default_user_message = (
        "ShipStation asked the app to slow down (40 requests a minute per key). "
        "The sync will carry on when the minute is over."
    )

    def __init__(self, message: str, *, retry_after: float | None = None, status: int | None = 429) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class Offline(ShipStationError):
    """No answer. `may_have_reached_server` says whether a write could have been applied anyway."""

    kind = "offline"
    default_user_message = "Could not reach ShipStation. Check the internet connection; the sync will try again."

    def __init__(self, message: str, *, may_have_reached_server: bool = False) -> None:
        super().__init__(message)
        self.may_have_reached_server = may_have_reached_server


class ServerError(ShipStationError):
    """A 5xx: ShipStation's own message (ExceptionMessage or message) is kept for the seller."""

    kind = "server_error"

    def __init__(self, message: str, *, detail: str, status: int | None = None) -> None:
        super().__init__(message, status=status,
                         user_message=f"ShipStation had a problem and answered: {detail}")
        self.detail = detail


class RequestRejected(ShipStationError):
    """A 4xx other than 401/429, with ShipStation's explanation."""

    kind = "request_rejected"

    def __init__(self, message: str, *, detail: str, status: int | None = None) -> None:
        super().__init__(message, status=status, user_message=f"ShipStation refused the request: {detail}")
        self.detail = detail


class NotFound(RequestRejected):
    kind = "not_found"


class MalformedResponse(ShipStationError):
    kind = "malformed_response"
    default_user_message = "ShipStation sent an answer the app could not read. The sync will try again later."


class Interrupted(ShipStationError):
    """The caller asked the client to stop (the app is closing, the user pressed Stop)."""

    kind = "interrupted"
    default_user_message = "The ShipStation sync was stopped before it finished."


def describe_error_body(text: str, limit: int = 300) -> str:
    """ShipStation's own words from `{"message": …}` or the ASP.NET `{"Message", "ExceptionMessage"}`."""
    try:
        body: Any = json.loads(text)
    except ValueError:
        body = None
    message = ""
    if isinstance(body, dict):
        lowered = {str(k).lower(): v for k, v in body.items()}
        parts = [str(lowered[k]) for k in ("message", "exceptionmessage") if isinstance(lowered.get(k), str)]
        message = " — ".join(dict.fromkeys(p for p in parts if p.strip()))
    elif isinstance(body, str):
        message = body
    if not message:
        message = " ".join(text.split())
    return message[:limit] if message else "no details given"
