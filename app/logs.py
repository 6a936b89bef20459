"""Logging configured once at start-up: a rotating file in the log folder; secrets redacted."""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import threading
from pathlib import Path

from app.paths import log_dir

_SECRET = re.compile(r"(Authorization:?\s*(?:Basic|Bearer)\s+|token[=:]\s*)(\S+)", re.IGNORECASE)
# Secrets that may sit in the environment; KEY:SECRET pairs are redacted whole and by part.
_SECRET_ENV = ("REFURBDESK_BACKMARKET_TOKEN", "REFURBDESK_SHIPSTATION_KEY")
_MIN_SECRET = 4  # shorter strings would redact ordinary words and numbers
_known: set[str] = set()
_known_lock = threading.Lock()
_configured = False
LOG_FILE_NAME = "refurbdesk.log"


def register_secret(value: str | None) -> None:
    """A secret in use (a token read from the keyring, an API key): never written to a log."""
    value = (value or "").strip()
    if len(value) < _MIN_SECRET:
        return
    with _known_lock:
        _known.add(value)


def _secrets_in_use() -> list[str]:
    found: set[str] = set()
    for name in _SECRET_ENV:
        value = os.environ.get(name, "").strip()
        found.update(part for part in (value, *value.split(":")) if len(part) >= _MIN_SECRET)
    with _known_lock:
        found |= _known
    return sorted(found, key=len, reverse=True)  # a longer secret first: it may contain a shorter one


def redact(text: str) -> str:
    """The text with every credential-looking value and every known secret replaced."""
    if not text:
        return text
    text = _SECRET.sub(r"\1[redacted]", text)
    for secret in _secrets_in_use():
        text = text.replace(secret, "[redacted]")
    return text


class RedactSecrets(logging.Filter):
    """Last line of defence: nothing that looks like a credential reaches a log file.

    The message, the formatted traceback and the stack are all redacted: an exception's text
    (an HTTP error quoting a header, a URL with a token) is as much a leak as the message.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def log_file() -> Path:
    return log_dir() / LOG_FILE_NAME


def configure_logging(*, verbose: bool = False) -> None:
    global _configured
    if _configured:
        return
    _configured = True
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    redact_filter = RedactSecrets()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        path = log_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(fmt)
        handler.addFilter(redact_filter)
        root.addHandler(handler)
    except OSError:
        pass  # a read-only profile must not stop the program
    if verbose:
        stream = logging.StreamHandler()
        stream.setFormatter(fmt)
        stream.addFilter(redact_filter)
        root.addHandler(stream)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
