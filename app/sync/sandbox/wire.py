"""What travels on the simulated wire: requests, replies, error envelopes and timestamps."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass
class Request:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""
    json: Any = None
    body_is_json: bool = False

    def param(self, name: str) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return None

    @property
    def token(self) -> str | None:
        auth = self.headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        return token.strip() if scheme.lower() == "basic" and token.strip() else None


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class Refusal(Exception):
    """Raised anywhere inside a route to answer with an error status and body."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status}: {body!r}")
        self.status = status
        self.body = body
        self.headers = headers or {}

    def reply(self) -> Reply:
        return json_reply(self.status, self.body, self.headers)


def json_reply(status: int, body: Any, headers: dict[str, str] | None = None) -> Reply:
    return Reply(
        status,
        json.dumps(body).encode(),
        {"Content-Type": "application/json", **(headers or {})},
    )


def html_reply(status: int, html: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, html.encode(), {"Content-Type": "text/html; charset=UTF-8", **(headers or {})})


def error_v1(code: str, message: str, **data: Any) -> dict[str, Any]:
    """ErrorResponseV1, the envelope listings, tasks and 429s use (api doc §2.5)."""
    return {
        "error": {"code": code, "message": message, "data": data, "docLink": "", "target": ""},
        "requestId": uuid.uuid4().hex,
    }


def refuse(status: int, message: str) -> Refusal:
    """Order and orderline refusals: the spec documents no schema, so a plain ErrorResponseV1."""
    return Refusal(status, error_v1(_code_for(status), message))


def refuse_plain(message: str) -> Refusal:
    """The listing POSTs document their 400 as a bare JSON string."""
    return Refusal(400, message)


def _code_for(status: int) -> str:
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            429: "too_many_requests"}.get(status, "error")


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def timestamp(moment: datetime | None) -> str | None:
    """RFC 3339 with microseconds and Z, as the sandbox always emits."""
    if moment is None:
        return None
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_OLD_STYLE = re.compile(r"^\d{4}-\d{2}-\d{2}[ +]\d{2}:\d{2}:\d{2}$")


def parse_filter_time(value: str) -> datetime:
    """RFC 3339 or the older `YYYY-MM-DD HH:MM:SS` (its space may arrive as '+'); naive means UTC."""
    text = value.strip()
    if _OLD_STYLE.match(text):
        text = text[:10] + "T" + text[11:]
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return utc(datetime.fromisoformat(text))
    except ValueError:
        raise refuse(400, f"'{value}' is not a date: use RFC 3339, e.g. 2014-06-24T12:55:57Z") from None


def money(value: Any, what: str = "price") -> str:
    """A decimal string with two places; strings and numbers both accepted, strings preferred."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise refuse_plain(f"{what} must be a decimal string such as \"160.99\"")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise refuse_plain(f"{what} must be a decimal string such as \"160.99\"") from None
    if not amount.is_finite() or amount < 0:
        raise refuse_plain(f"{what} must be zero or more")
    return str(amount.quantize(Decimal("0.01")))


def whole_number(value: Any, what: str, minimum: int = 0) -> int:
    """An int, or a string holding one (quantity arrives both ways)."""
    if isinstance(value, bool):
        raise refuse_plain(f"{what} must be a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value.strip())
    else:
        raise refuse_plain(f"{what} must be a whole number")
    if number < minimum:
        raise refuse_plain(f"{what} must be at least {minimum}")
    return number
