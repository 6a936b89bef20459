"""Errors the services raise: each carries words a packer or manager understands."""

from __future__ import annotations


class DomainError(Exception):
    """A request the warehouse rules refuse. `str(error)` is the message to show."""

    reason = "refused"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason:
            self.reason = reason

    @property
    def message(self) -> str:
        return str(self)


class InvalidCode(DomainError):
    reason = "invalid_code"


class NotFound(DomainError):
    reason = "not_found"


class InvalidInput(DomainError):
    reason = "invalid_input"


class Conflict(DomainError):
    reason = "conflict"


class ScanRefused(DomainError):
    """A scan at the packing station that was not committed; `reason` says which check failed."""
