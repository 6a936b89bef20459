"""Checking a big stock file in a process of its own, so the station's scans keep the interpreter.

Checking 100,000 rows is seconds of pure Python (Luhn digits, look-ups, dictionaries). In the
window's process that work shares Python's one interpreter lock with the GUI thread and the scan
writer: a packer's scan during those seconds waited 150-500 ms for its verdict (measured, issue 12).
A child process has a lock of its own. It reads the database in its own read transaction and sends
back the checked rows, a few thousand at a time, so the window never stops for one big unpickling;
the parent then writes them (csv_write) exactly as if it had checked them itself.

On PostgreSQL the child writes the file too (`import_apart`): the import is one COPY transaction
that scans never wait for, and formatting 100,000 rows for COPY is Python work of its own. The
child reports progress; Cancel asks it to stop (it rolls back), and a child that dies takes its
open transaction with it: either way nothing is imported.

The child is started with "spawn", never "fork": the window's process has Qt and database threads
running, and a forked copy of their locks can deadlock. The packaged program supports this through
`multiprocessing.freeze_support()` in its entry point (packaging/refurbdesk_entry.py), which
`refurbdesk self-check` proves on each build.
"""

from __future__ import annotations

import gc
import multiprocessing
from pathlib import Path

from app.domain.cancel import Cancelled, CancelToken
from app.domain.errors import DomainError

APART_FROM_BYTES = 1_000_000  # ~10,000 rows: below that the child's start (~1 s) costs more than it saves
ROWS_PER_MESSAGE = 1_000  # unpickling one message holds the interpreter lock: ~3 ms, not a scan's whole budget
POLL_S = 0.05


class CheckStopped(DomainError):
    """The checking process ended without an answer (killed, out of memory, a crash)."""

    reason = "check_failed"


def worth_checking_apart(source: object) -> bool:
    return isinstance(source, Path) and source.is_file() and source.stat().st_size >= APART_FROM_BYTES


def check_apart(url: str, path: Path, cancel: CancelToken, cancelled_message: str):
    """csv_import.check_rows(path) run in a child process; returns its ImportPlan.

    Raises what the check raises (CsvImportError with every bad row), Cancelled when `cancel` is set
    (the child is stopped at once), CheckStopped when the child ends without an answer."""
    from app.domain.csv_import import CsvImportError, ImportPlan

    def stop_now() -> None:
        cancel.check(cancelled_message)  # the child is stopped in `finally`

    receiving, child = _start(_child, url, str(path))
    try:
        first = _receive(receiving, child, stop_now)
        if first[0] == "refused":
            raise CsvImportError(first[1])
        if first[0] == "failed":
            raise CheckStopped(f"The file could not be checked: {first[1]}")
        _kind, count, products, variations, skus = first
        rows: list = []
        while len(rows) < count:
            rows += _receive(receiving, child, stop_now)
        return ImportPlan(rows, products, variations, skus)
    finally:
        receiving.close()
        if child.is_alive():
            child.terminate()
        child.join(5)


def import_apart(url: str, path: Path, actor, progress, cancel: CancelToken, cancelled_message: str):
    """csv_import: check and write `path` in a child process (PostgreSQL); returns its ImportResult.

    Raises CsvImportError, Cancelled or CheckStopped as check_apart does; nothing is imported then."""
    from app.domain.csv_import import CsvImportError

    stop = multiprocessing.get_context("spawn").Event()

    def pass_cancel_on() -> None:  # the child answers a cancel itself: it may have committed already
        if cancel.cancelled:
            stop.set()

    receiving, child = _start(_import_child, url, str(path), actor, stop)
    try:
        while True:
            pass_cancel_on()
            message = _receive(receiving, child, pass_cancel_on)
            kind = message[0]
            if kind == "progress":
                if progress is not None:
                    progress(message[1], message[2])
            elif kind == "done":
                return message[1]
            elif kind == "refused":
                raise CsvImportError(message[1])
            elif kind == "cancelled":
                raise Cancelled(cancelled_message)
            else:
                raise CheckStopped(f"The file could not be imported: {message[1]}")
    finally:
        receiving.close()
        child.join(10)
        if child.is_alive():
            child.terminate()
            child.join(5)


def _start(target, *args):
    """A spawned child running target(*args, sending end of a pipe); returns (receiving end, child)."""
    spawn = multiprocessing.get_context("spawn")
    receiving, sending = spawn.Pipe(duplex=False)
    child = spawn.Process(target=target, args=(*args, sending), name="refurbdesk-csv-check", daemon=True)
    child.start()
    sending.close()  # only the child writes: its end closing is how a crash shows here
    return receiving, child


def _receive(connection, child, on_wait):
    """The child's next message; `on_wait` runs every POLL_S meanwhile (to cancel)."""
    while not connection.poll(POLL_S):
        on_wait()
        if not child.is_alive() and not connection.poll(0):
            raise CheckStopped(f"The file check stopped unexpectedly (exit code {child.exitcode}); nothing was imported.")
    try:
        return connection.recv()
    except EOFError:
        raise CheckStopped(f"The file check stopped unexpectedly (exit code {child.exitcode}); "
                           "nothing was imported.") from None


def _child(url: str, path: str, connection) -> None:
    """In the child: check the file against the database and send the plan back in pieces."""
    gc.disable()  # a short-lived process building 100,000 live rows: nothing to collect
    from app.db import open_database
    from app.domain.csv_import import CsvImportError, check_rows

    try:
        db = open_database(url, create=False)
        try:
            with db.reads() as session:
                plan = check_rows(session, Path(path), CancelToken())
        finally:
            db.dispose()
    except CsvImportError as exc:
        connection.send(("refused", exc.problems))
        return
    except Exception as exc:  # the parent reports it; nothing was written
        connection.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    connection.send(("plan", len(plan.rows), plan.products, plan.variations, plan.skus))
    for start in range(0, len(plan.rows), ROWS_PER_MESSAGE):
        connection.send(plan.rows[start : start + ROWS_PER_MESSAGE])
    connection.close()


def _import_child(url: str, path: str, actor, stop, connection) -> None:
    """In the child (PostgreSQL): check and write the file, reporting progress; answer how it ended."""
    gc.disable()
    from app.db import open_database
    from app.domain.csv_import import CsvImportError, check_rows, write_plan

    cancel = CancelToken(stop)
    try:
        db = open_database(url, create=False)
        try:
            with db.reads() as session:
                plan = check_rows(session, Path(path), cancel)
            result = write_plan(db, plan, actor, lambda done, total: connection.send(("progress", done, total)), cancel)
        finally:
            db.dispose()
    except CsvImportError as exc:
        connection.send(("refused", exc.problems))
    except Cancelled:
        connection.send(("cancelled",))
    except Exception as exc:  # reported by the parent; the transaction was rolled back
        connection.send(("failed", f"{type(exc).__name__}: {exc}"))
    else:
        connection.send(("done", result))
    connection.close()
