"""Logging configured once at start-up: a rotating file in the log folder; secrets redacted."""

from __future__ import annotations

import logging
import logging.handlers
import os
import re

from app.paths import log_dir

_SECRET = re.compile(r"(Authorization:?\s*Basic\s+|token[=:]\s*)(\S+)", re.IGNORECASE)
_configured = False


class RedactSecrets(logging.Filter):
    """Last line of defence: nothing that looks like a credential reaches a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRET.sub(r"\1[redacted]", message)
        secret = os.environ.get("REFURBDESK_BACKMARKET_TOKEN")
        if secret and len(secret) >= 4:
            redacted = redacted.replace(secret, "[redacted]")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(*, verbose: bool = False) -> None:
    global _configured
    if _configured:
        return
    _configured = True
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    redact = RedactSecrets()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(folder / "refurbdesk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(fmt)
        handler.addFilter(redact)
        root.addHandler(handler)
    except OSError:
        pass  # a read-only profile must not stop the program
    if verbose:
        stream = logging.StreamHandler()
        stream.setFormatter(fmt)
        stream.addFilter(redact)
        root.addHandler(stream)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
