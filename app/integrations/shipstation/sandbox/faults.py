"""Injected failures: "the next N requests matching METHOD + path prefix answer with FAULT", and
orders ShipStation breaks on (any page or createorders batch holding them answers 500)."""

from __future__ import annotations

from dataclasses import dataclass

from app.sync.sandbox.wire import Reply, html_reply, json_reply

FAULT_KINDS = ("401", "429", "500", "502", "503", "slow", "drop")

ASPNET_500 = {
    "Message": "An error has occurred.",
    "ExceptionMessage": "Object reference not set to an instance of an object.",
    "ExceptionType": "System.NullReferenceException",
    "StackTrace": "   at ShipStation.Api.Controllers...",
}


@dataclass
class Fault:
    method: str  # "*" matches any method
    path_prefix: str  # compared lower-cased, like the routes
    kind: str
    remaining: int
    delay: float = 0.0  # for "slow"
    reset: int = 30  # for "429": the X-Rate-Limit-Reset it announces

    def matches(self, method: str, path: str) -> bool:
        return self.remaining > 0 and self.method in ("*", method) and path.startswith(self.path_prefix)

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


class FaultBook:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self.broken_orders: set[str] = set()  # order numbers ShipStation fails on

    def add(self, fault: str, *, method: str = "*", path_prefix: str = "/", count: int = 1,
            delay: float = 2.0, reset: int = 30) -> Fault:
        if fault not in FAULT_KINDS:
            raise ValueError(f"unknown fault {fault!r}; expected one of {', '.join(FAULT_KINDS)}")
        entry = Fault(method.upper(), path_prefix.lower(), fault, int(count), float(delay), int(reset))
        self._faults.append(entry)
        return entry

    def take(self, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.matches(method, path):
                fault.remaining -= 1
                return fault
        return None

    def clear(self) -> None:
        self._faults.clear()
        self.broken_orders.clear()

    def pending(self) -> list[dict[str, object]]:
        return [fault.to_json() for fault in self._faults if fault.remaining > 0]


def fault_reply(fault: Fault, rate_headers: dict[str, str]) -> Reply | None:
    """The canned answer; None for "slow" (answers normally after its delay) and "drop" (no answer)."""
    if fault.kind == "429":
        headers = {**rate_headers, "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": str(fault.reset)}
        return json_reply(429, {"message": "Too Many Requests"}, headers)
    if fault.kind == "401":
        return json_reply(401, {"message": "Unauthorized"}, rate_headers)
    if fault.kind == "500":
        return json_reply(500, ASPNET_500, rate_headers)
    if fault.kind in ("502", "503"):
        return html_reply(int(fault.kind), f"<html><body><h1>{fault.kind} Bad Gateway</h1></body></html>")
    return None
