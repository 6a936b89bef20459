"""Database failures in the user's words: one line, no SQL, for the command line and (later) the GUI.

`DatabaseRefused` is a refusal made before anything was changed (a throw-away URL, a database
that does not exist yet, one written by a newer RefurbDesk). `explain(exc)` turns the raw,
multi-line errors of SQLAlchemy and the database drivers into one line that says what happened
and what to do; it returns None for anything it does not recognise.
"""

from __future__ import annotations

import errno
import re

from sqlalchemy.engine import make_url


class DatabaseRefused(Exception):
    """A one-line reason the database cannot be used as asked; nothing was changed."""


def first_line(text: object) -> str:
    """The first non-empty line of a message (drivers add hints, SQL and links on later lines)."""
    for line in str(text).splitlines():
        if line.strip():
            return line.strip()
    return ""


def server_of(url: str | None) -> str:
    """'the PostgreSQL server at host:port' (never the password), or a plain 'the database server'."""
    if not url:
        return "the database server"
    try:
        parsed = make_url(url)
    except Exception:
        return "the database server"
    if not parsed.drivername.startswith("postgresql"):
        return "the database server"
    host = parsed.host or "localhost"
    return f"the PostgreSQL server at {host}:{parsed.port or 5432}"


def _where(url: str | None) -> str:
    """The SQLite file the URL names, for messages about the file itself."""
    if url and url.startswith("sqlite:///"):
        return f" ({url.removeprefix('sqlite:///')})"
    return ""


def _sqlite(message: str, url: str | None) -> str | None:
    text = message.lower()
    if "database is locked" in text or "database table is locked" in text:
        return ("the database is busy: another station or process is writing to it and did not finish in time; "
                "try again in a moment")
    if "database or disk is full" in text:
        return f"the disk holding the database is full{_where(url)}; free some space and try again (nothing was saved)"
    if "readonly database" in text or "read-only" in text:
        return f"the database file is read-only{_where(url)}: check its permissions, or that the disk is not read-only"
    if "file is not a database" in text or "database disk image is malformed" in text:
        return f"this file is not a RefurbDesk database{_where(url)} (not an SQLite database, or damaged); check --db"
    if "unable to open database file" in text:
        return f"cannot open the database file{_where(url)}: does its folder exist, and may you write there?"
    if "disk i/o error" in text:
        return f"the disk reported an error reading or writing the database{_where(url)}"
    return None


def _postgres(message: str, url: str | None) -> str | None:
    text = message.lower()
    server = server_of(url)
    if "value too long" in text:
        size = re.search(r"character varying\((\d+)\)", message)
        limit = f" (at most {size.group(1)} characters)" if size else ""
        return f"a value is longer than the database allows{limit}; shorten it and try again (nothing was saved)"
    if "out of range" in text and ("numeric" in text or "integer" in text or "bigint" in text):
        return "a number is larger than the database allows; check the value and try again (nothing was saved)"
    if "connection refused" in text:
        return f"cannot reach {server}: the connection was refused (is the server running?)"
    if "password authentication failed" in text or "no pg_hba.conf entry" in text:
        return f"{server} refused the user name or password in the database URL"
    missing = re.search(r'database "([^"]+)" does not exist', message)
    if missing:
        return f'{server} has no database named "{missing.group(1)}"; check --db'
    if "timeout expired" in text or "timed out" in text:
        return f"{server} did not answer in time; check the network and try again"
    if "could not translate host name" in text or "name or service not known" in text:
        return f"cannot find {server}: the host name is unknown"
    if "server closed the connection" in text or "terminating connection" in text:
        return f"{server} closed the connection; try again (nothing was saved)"
    if "deadlock detected" in text or "could not serialize access" in text:
        return "another station changed the same data at the same moment; try again"
    return None


def explain(exc: BaseException, url: str | None = None) -> str | None:
    """One line in the user's words for a database failure (SQLAlchemy, sqlite3, psycopg, a full disk),
    or None when `exc` is not one. `url` (the database in use) names the file or the server."""
    from sqlalchemy import exc as sa_exc

    if isinstance(exc, DatabaseRefused):
        return first_line(exc)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "the disk is full; free some space and try again (nothing was saved)"
    if isinstance(exc, sa_exc.DBAPIError):
        original = exc.orig if exc.orig is not None else exc
    elif isinstance(exc, sa_exc.SQLAlchemyError):
        return None
    else:
        original = exc
    module = type(original).__module__ or ""
    message = first_line(original)
    if module.startswith("sqlite3"):
        said = _sqlite(message, url)
    elif module.startswith(("psycopg", "psycopg2")):
        said = _postgres(str(original), url)
    else:
        return None
    if said is not None:
        return said
    # A database error we have no words for: the driver's own first line, never the statement.
    return f"the database refused the change: {message}" if message else "the database refused the change"
