"""Injected failures: "the next N requests matching METHOD + path prefix answer with FAULT"."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from app.sync.sandbox.wire import Reply, error_v1, html_reply, json_reply

FAULT_KINDS = ("429", "html403", "bot403", "500", "502", "503", "slow", "malformed", "401", "400")

CLOUDFLARE_PAGE = """<!DOCTYPE html>
<html lang="en-US"><head><title>Attention Required! | Cloudflare</title></head>
<body><div id="cf-wrapper"><h1>Sorry, you have been blocked</h1>
<h2>You are unable to access backmarket.fr</h2>
<p>Cloudflare Ray ID: <strong>{ray}</strong></p></div></body></html>
"""


@dataclass
class Fault:
    method: str  # "*" matches any method
    path_prefix: str
    kind: str
    remaining: int
    delay: float = 0.0  # for "slow"
    retry_after: int | None = None  # for "429": send a Retry-After header when set

    def matches(self, method: str, path: str) -> bool:
        return self.remaining > 0 and self.method in ("*", method) and path.startswith(self.path_prefix)

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


class FaultBook:
    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(
        self,
        fault: str,
        *,
        method: str = "*",
        path_prefix: str = "/ws/",
        count: int = 1,
        delay: float = 2.0,
        retry_after: int | None = None,
    ) -> Fault:
        if fault not in FAULT_KINDS:
            raise ValueError(f"unknown fault {fault!r}; expected one of {', '.join(FAULT_KINDS)}")
        entry = Fault(method.upper(), path_prefix, fault, int(count), float(delay), retry_after)
        self._faults.append(entry)
        return entry

    def take(self, method: str, path: str) -> Fault | None:
        """The first armed fault for this request, used up by one."""
        for fault in self._faults:
            if fault.matches(method, path):
                fault.remaining -= 1
                return fault
        return None

    def clear(self) -> None:
        self._faults.clear()

    def pending(self) -> list[dict[str, object]]:
        return [fault.to_json() for fault in self._faults if fault.remaining > 0]


def fault_reply(fault: Fault) -> Reply | None:
    """The canned answer for a fault; None for "slow", which answers normally after its delay."""
    kind = fault.kind
    if kind == "429":
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        return json_reply(429, error_v1("too_many_requests", "Too Many Requests"), headers)
    if kind == "html403":
        ray = f"{secrets.token_hex(8)}-CDG"
        return html_reply(403, CLOUDFLARE_PAGE.format(ray=ray), {"cf-ray": ray, "Server": "cloudflare"})
    if kind == "bot403":
        body = {"errors": [{"code": "bot-need-challenge", "message": "Forbidden",
                            "challengePath": "/testchallengepage"}]}
        return json_reply(403, body)
    if kind in ("500", "502", "503"):
        if kind == "500":
            return json_reply(500, error_v1("internal_error", "Internal Server Error"))
        return html_reply(int(kind), f"<html><body><h1>{kind} Bad Gateway</h1></body></html>")
    if kind == "malformed":
        text = json.dumps({"count": 1, "next": None, "previous": None, "results": [{"id": "x"}]})
        return Reply(200, text[: len(text) // 2].encode(), {"Content-Type": "application/json"})
    if kind == "400":  # a refusal of this very request (a state Back Market will not move from)
        return json_reply(400, error_v1("invalid_request", "The request was refused by the sandbox fault"))
    if kind == "401":
        return json_reply(401, error_v1("unauthorized", "Invalid authentication credentials"))
    return None
