"""The Back Market sync engine: one full cycle at a time, plus fast pushes after local stock changes.

A cycle: import listings → import orders → auto-accept → send the outbox → push quantities. Each
step commits its own short transactions and never holds one across a network call. Only ids and the
frozen SyncReport leave the engine, so the GUI's QThread worker can wrap it as it is:

    engine = SyncEngine(db)                  # worker thread
    report = engine.run_once(progress, cancel)
    engine.push_pending()                    # worker thread, about once a second between cycles
    engine.request_push(changes)             # any thread: only a wake-up (the database has the change)
    engine.interrupt()                       # any thread: every wait ends now, the next write stops
    engine.close()                           # any thread: releases the lease

Stock changes reach the engine through the pending_pushes table, filled by database triggers in the
same transaction as the change, whichever process made it (app/domain/pending.py). Only the lease
holder reads it and pushes; a row is forgotten only once its listings went out. Before every remote
write the engine fences: the sync is still switched on and the lease is still ours for longer than
one call may take. Before raising a quantity it imports orders (Back Market lowers quantities itself
when it sells): when orders cannot be imported, only decreases are written.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import weakref
from typing import Any, Callable

from app.db import Database
from app.domain import pending, settings
from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.domain.events import SYNC_FINISHED, bus
from app.domain.station import current_actor
from app.models import SyncRun
from app.models.base import utcnow
from app.sync import lease
from app.sync.auto_accept import queue_accepts
from app.sync.client import BackMarketClient, Interrupted
from app.sync.config import client_factory as default_factory
from app.sync.errors import (AccountNotAllowed, BackMarketError, BotChallenge, FirewallBlocked, Offline,
                             RateLimited, TokenRejected)
from app.sync.listings_import import import_listings
from app.sync.orders_import import import_orders
from app.sync.outbox import send_pending
from app.sync.prune import prune_if_due
from app.sync.tried import TriedRows
from app.sync.push import FAST_PATH_RESERVE, PushResult, SkuBudget, pending_increases, push_quantities
from app.sync.report import SyncReport, Tally

__all__ = ["Cancelled", "LeaseLost", "POLL_SECONDS", "SwitchedOff", "SyncEngine", "SyncReport", "Tally"]

log = logging.getLogger(__name__)

# After these, every later step would fail the same way (or make things worse): stop the cycle.
STOPS_CYCLE = (TokenRejected, AccountNotAllowed, FirewallBlocked, BotChallenge, Offline, RateLimited)
BETWEEN_CYCLES = "between cycles"  # the fast push's condition for app/sync/tried.py
POLL_SECONDS = 1.0  # how often the lease holder reads pending_pushes (one indexed SELECT)
RETRY_AFTER_FAILURE_SECONDS = 10.0  # a fast push that failed (offline, token, rate limit) waits this long
CALL_SHARE_OF_LEASE = 0.3  # one HTTP call, its retries and waits included, never outlives this share
SWITCHED_OFF = "the sync is switched off (backmarket.enabled = false)"
TOKEN_REJECTED_MESSAGE = (
    "Back Market rejected the API token: it may have expired or been replaced. Create a new one in the "
    "Back Market Back Office (Options → Integrations) and set it in the Back Market tab or with "
    "`refurbdesk backmarket token set`."
)


_HOLDER = re.compile(r"^(.*) \(pid (\d+)\)$")


class Cancelled(Exception):
    """The caller's cancel flag was raised between two pieces of work."""


class LeaseLost(Exception):
    """Another station took the sync over (our lease ran out while we were busy)."""


class SwitchedOff(Exception):
    """backmarket.enabled was turned off (by any station) while the sync ran."""


class SyncEngine:
    def __init__(self, db: Database, client_factory: Callable[[], BackMarketClient] | None = None,
                 station: str | None = None, *, lease_ttl: float = lease.DEFAULT_TTL_SECONDS,
                 push_debounce: float = 0.3) -> None:
        self.db = db
        self._factory = client_factory or default_factory(db)
        self.station = station or f"{current_actor().station} (pid {os.getpid()})"
        self.lease_ttl = lease_ttl
        self.push_debounce = push_debounce
        self.budget = SkuBudget()
        self.last_report: SyncReport | None = None
        self.last_push_error: str | None = None
        self.last_pushed: Changes = Changes()  # the listings the last fast push wrote (or was refused for)
        self.switched_off = False  # set when backmarket.enabled was found false
        self.stop_event = threading.Event()  # interrupt(): every client wait ends, the next tick stops
        self._lock = threading.RLock()  # one cycle or push at a time in this process
        self._clients: weakref.WeakSet[Any] = weakref.WeakSet()  # interrupt() aborts them
        self._clients_lock = threading.Lock()
        self._renewed_at = 0.0
        self._held = False
        self._nudged = threading.Event()  # a local stock change: read pending_pushes now
        self._polled_at = 0.0
        self._retry_at = 0.0  # after a failed fast push: not before this (monotonic)
        self._in_urgent = False
        self._tried = TriedRows()  # rows a fast push could not finish: not read again every second
        self._budget_loaded = False

    # ---- switches ------------------------------------------------------------------------------

    def _enabled(self, session=None) -> bool:
        """Back Market switched on. `switched_off` (the daemon stops on it) only when ShipStation is off too.
        Read in `session` when given (the fence's one read transaction), else in a read of its own."""
        if session is None:
            with self.db.reads() as session:
                return self._enabled(session)
        enabled = bool(settings.get(session, "backmarket.enabled"))
        shipping = not enabled and bool(settings.get(session, "shipstation.enabled"))
        if not enabled and not shipping and not self.switched_off:
            log.warning("Back Market sync switched off (backmarket.enabled = false): nothing more is written")
        self.switched_off = not enabled and not shipping
        return enabled

    def _shipstation_enabled(self) -> bool:
        with self.db.reads() as session:
            return bool(settings.get(session, "shipstation.enabled"))

    def interrupt(self) -> None:
        """Any thread: end every wait (pacing, backoff, Retry-After) now; a cycle stops at its next tick."""
        self.stop_event.set()
        self._nudged.set()
        with self._clients_lock:
            clients = list(self._clients)
        for client in clients:
            abort = getattr(client, "abort", None)  # test doubles may have none
            if abort is not None:
                abort()  # a request in flight is cut off, not waited for

    def _keep_client(self, client: object) -> None:
        """interrupt() aborts every client kept here (they go when garbage)."""
        with self._clients_lock:
            self._clients.add(client)
        if self.stop_event.is_set() and hasattr(client, "abort"):
            client.abort()

    def _client(self) -> BackMarketClient:
        """Built before the lease is taken: a station without a usable token never holds it."""
        client = self._factory()
        client.interrupt = self.stop_event
        client.limit_calls_to(self.lease_ttl * CALL_SHARE_OF_LEASE)
        self._keep_client(client)  # interrupt() aborts it
        return client

    # ---- the lease -----------------------------------------------------------------------------

    def _take_lease(self) -> bool:
        if (lease.is_free(self.db, self.station) and lease.acquire(self.db, self.station, self.lease_ttl)) \
                or self._take_from_dead_process():
            self._renewed_at = time.monotonic()
            self._held = True
            return True
        self._held = False
        return False

    def _take_from_dead_process(self) -> bool:
        """A process of this very station that crashed (kill -9, power cut) need not block us for the
        lease's whole life. Only checked on POSIX: os.kill(pid, 0) would terminate it on Windows."""
        holder = lease.current_holder(self.db)
        match = _HOLDER.match(holder or "")
        own = _HOLDER.match(self.station)
        if os.name != "posix" or not match or not own or match.group(1) != own.group(1):
            return False
        pid = int(match.group(2))
        if pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)
            return False  # still running
        except ProcessLookupError:
            log.info("taking the sync lease over from %s, which is no longer running", holder)
            return lease.take_over(self.db, holder or "", self.station, self.lease_ttl)
        except OSError:
            return False

    def _lost(self) -> LeaseLost:
        self._held = False
        return LeaseLost(f"another station took the sync over: {lease.current_holder(self.db) or 'unknown'}")

    def keep_lease(self) -> None:
        """Renew once a third of the lease has gone by; raise LeaseLost if another station took it."""
        if time.monotonic() - self._renewed_at < self.lease_ttl / 3:
            return
        if not lease.renew(self.db, self.station, self.lease_ttl):
            raise self._lost()
        self._renewed_at = time.monotonic()

    def fence(self) -> None:
        """Immediately before every remote write: the sync is still switched on, and the lease is still
        ours for longer than one call may take (renewed when less is left). Reads only, mostly."""
        with self.db.reads() as session:  # one read transaction for both: a write every 50 ms pays for it
            enabled = self._enabled(session)
            left = lease.seconds_left_in(session, self.station) if enabled else None
        if not enabled:
            raise SwitchedOff(SWITCHED_OFF)
        if left is None:
            raise self._lost()
        if left < self.lease_ttl * (1 - CALL_SHARE_OF_LEASE):
            if not lease.renew(self.db, self.station, self.lease_ttl):
                raise self._lost()
            self._renewed_at = time.monotonic()

    def close(self) -> None:
        """Any thread, even while a cycle is stuck in a call: give the lease back now. The stuck cycle
        cannot write afterwards — its next fence finds the lease gone."""
        self._held = False
        lease.release(self.db, self.station)

    # ---- pending pushes (between cycles) -------------------------------------------------------

    def request_push(self, changes: Changes | None = None) -> None:
        """Any thread: a local stock change happened. Only a wake-up: the change itself is already in
        pending_pushes, written by the database in the same transaction."""
        if changes is None or changes.stock:
            self._nudged.set()

    def has_pending_push(self) -> bool:
        return self._nudged.is_set()

    def push_pending(self) -> int:
        """The idle round, about once a second: keep (or try to take) the lease; as its holder, push
        the listings pending_pushes names and forget those rows. Returns the quantities pushed."""
        with self._lock:
            self._nudged.clear()
            self.last_pushed = Changes()
            if self.stop_event.is_set() or not self._enabled():
                return 0
            client = None
            try:
                if self._held:
                    self.keep_lease()
                else:
                    if not lease.is_free(self.db, self.station) and not self._take_from_dead_process():
                        return 0
                    client = self._client()  # the token first: without one, never take the lease
                    if not self._take_lease():
                        return 0
                if time.monotonic() < self._retry_at:
                    return 0  # the last try failed: the lease is kept, the rows wait a little
                after, rows = self._take_untried(BETWEEN_CYCLES)
                if rows.empty:
                    return 0
                client = client or self._client()
                result = self._push_rows(client, rows, orders_imported=False, may_import=True)
                # A held-back increase is not noted here: the next round imports orders again first.
                self._tried.note(after, rows.row_ids, held=False, budget_spent=bool(result.left and not result.held_back),
                                 condition=BETWEEN_CYCLES)
                self.last_pushed = result.changes
                self.last_push_error = None
                return result.pushed
            except (LeaseLost, SwitchedOff, Cancelled, Interrupted) as exc:
                log.info("pending pushes left for later: %s", exc)
                return 0
            except DomainError as exc:  # no token, bad settings, a counted scope that counts nothing
                self._push_failed(str(exc))
                return 0
            except BackMarketError as exc:
                self._push_failed(exc.user_message, exc.message)
                wait = max(RETRY_AFTER_FAILURE_SECONDS, getattr(exc, "retry_after", None) or 0.0)
                self._retry_at = time.monotonic() + wait
                return 0
            finally:
                if client is not None:
                    client.close()

    def _push_failed(self, words: str, detail: str | None = None) -> None:
        if words != self.last_push_error:
            log.warning("fast push failed (the changes stay pending): %s", detail or words)
        self.last_push_error = words

    def _push_rows(self, client: BackMarketClient, rows: pending.PendingChanges, *, orders_imported: bool,
                   may_import: bool, tally: Tally | None = None, every_listing: bool = True) -> PushResult:
        """Push the listings these pending rows name first; then, if a counting setting changed, every
        listing, keeping the hour's last FAST_PATH_RESERVE lines for stock changes (with fewer left,
        that waits for the full cycle, and nothing is recomputed). Forget the rows whose listings are
        done. An increase goes out only after orders were imported (this cycle, or right here)."""
        self._load_budget()
        named = set(rows.named)
        everything = every_listing and rows.everything and self.budget.available() > FAST_PATH_RESERVE
        increases = orders_imported
        if (named or everything) and not increases and may_import \
                and pending_increases(self.db, None if everything else named):
            increases = self._import_orders_first(client, tally)
        result = PushResult()
        if named:
            result = push_quantities(self.db, client, lambda _text: None, self.budget, listing_ids=named,
                                     increases=increases, before_write=self.fence)
        done = list(rows.named_row_ids) if not result.held_back and not result.left else []
        if everything:
            rest = push_quantities(self.db, client, lambda _text: None, self.budget, keep_back=FAST_PATH_RESERVE,
                                   increases=increases, before_write=self.fence)
            result.add(rest)
            if not rest.held_back and not rest.left:
                done += rows.everything_row_ids
        if done:
            self._forget(done)
        return result

    def _take_untried(self, condition: object) -> tuple[int | None, pending.PendingChanges]:
        """The pending rows a fast push reads: those after the rows it tried and could not finish
        under the same condition (app/sync/tried.py), or all of them."""
        with self.db.reads() as session:
            after = self._tried.after_id(condition, lambda last_id: pending.count_through(session, last_id))
            return after, pending.take(session, after_id=after)

    def _import_orders_first(self, client: BackMarketClient, tally: Tally | None) -> bool:
        try:
            result = import_orders(self.db, client, lambda _text: self.fence())
        except (LeaseLost, SwitchedOff, Cancelled, Interrupted):
            raise
        except Exception as exc:  # whatever it was, demand may be stale: decreases only
            log.warning("orders not imported before raising quantities (%s): only decreases go out", exc)
            return False
        if tally is not None:
            tally.add_orders(result)
        return True

    def _forget_through(self, head: tuple[int | None, int], row_ids) -> None:
        last_id, rows = head
        if last_id is None or not pending.forget_through(self.db, last_id, rows):
            self._forget(row_ids)

    def _forget(self, row_ids) -> None:
        with self.db.sessions.begin() as session:
            pending.forget(session, tuple(row_ids))

    def _load_budget(self) -> None:
        if not self._budget_loaded:
            with self.db.reads() as session:
                self.budget.load(session)
            self._budget_loaded = True

    def _urgent(self, client: BackMarketClient, tally: Tally, orders_imported: bool) -> None:
        """Inside a long cycle, a stock change made anywhere still reaches Back Market within seconds
        (increases only once this cycle's orders are in)."""
        if self._in_urgent:
            return
        if not self._nudged.is_set() and time.monotonic() - self._polled_at < POLL_SECONDS:
            return
        self._nudged.clear()
        self._polled_at = time.monotonic()
        condition = ("in a cycle", orders_imported)
        after, rows = self._take_untried(condition)
        if rows.empty:
            return
        self._in_urgent = True
        try:
            # Not every listing: this cycle's own push step compares them all (a setting's row waits
            # for it, a few minutes at most); recomputing 10,000 listings here took seconds of the
            # interpreter lock every few seconds while packers scanned (issue 12).
            result = self._push_rows(client, rows, orders_imported=orders_imported, may_import=False,
                                     every_listing=False)
            self._tried.note(after, rows.row_ids, held=bool(result.held_back), budget_spent=bool(result.left),
                             condition=condition)
            tally.add_push(result, full=False)
        finally:
            self._in_urgent = False

    # ---- the full cycle --------------------------------------------------------------------------

    def run_once(self, progress: Callable[[str], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> SyncReport:
        with self._lock:
            report = self._run(progress, cancel)
        self.last_report = report
        bus.emit(SYNC_FINISHED, report)
        return report

    def _run(self, progress: Callable[[str], None] | None, cancel: Callable[[], bool] | None) -> SyncReport:
        tally = Tally(started=utcnow())
        backmarket, shipping = self._enabled(), self._shipstation_enabled()
        if not backmarket and not shipping:
            tally.skipped = SWITCHED_OFF
            return tally.freeze()
        client = None
        if backmarket:
            try:
                client = self._client()  # the token first: a station without one never takes the lease
            except DomainError as exc:
                tally.fail(str(exc), getattr(exc, "reason", "settings"))
        if client is None:
            # No Back Market this cycle (switched off, no token, bad address): ShipStation still runs.
            return self._shipstation_only(tally, progress, cancel) if shipping else tally.freeze()
        try:
            if not self._start_run(tally):
                return tally.freeze()
            with self.db.sessions.begin() as session:
                self.budget.load(session)  # another station may have spent some since we last synced
                self._budget_loaded = True
            self._steps(client, tally, progress, cancel)
            self._prune()
        finally:
            client.close()
        return self._finish(tally)

    def _prune(self) -> None:
        """Old sent updates and run records go, at most daily (sync/prune.py); never fails a cycle."""
        try:
            pruned = prune_if_due(self.db)
        except Exception:
            log.exception("deleting old sync records failed")
            return
        if pruned is not None and (pruned.outbox or pruned.runs):
            log.info("deleted %s sent updates and %s sync run records past their keeping time",
                     pruned.outbox, pruned.runs)

    def _steps(self, client: BackMarketClient, tally: Tally, progress, cancel) -> None:
        orders = {"imported": False}

        def tick(text: str | None) -> None:
            if text:
                log.debug("sync: %s", text)
                if progress is not None:
                    progress(text)
            if self.stop_event.is_set() or (cancel is not None and cancel()):
                raise Cancelled()
            self.fence()  # the outbox ticks right before each remote write
            self._urgent(client, tally, orders["imported"])

        def import_orders_step() -> None:
            tally.add_orders(import_orders(self.db, client, tick))
            orders["imported"] = True

        def push_step() -> None:
            with self.db.reads() as session:
                rows = pending.take(session)
                head = pending.head(session)
            increases = orders["imported"]  # stale demand (orders failed): decreases only
            result = push_quantities(self.db, client, tick, self.budget, keep_back=FAST_PATH_RESERVE,
                                     increases=increases, before_write=self.fence)
            tally.add_push(result)
            if not result.held_back and not result.left and not rows.empty:
                # Every listing was just compared, so every row read before is done — all of them
                # (a backlog of millions too), or, if the table changed meanwhile, the batch read.
                self._forget_through(head, rows.row_ids)

        steps = (("listings", lambda: tally.add_listings(import_listings(self.db, client, tick))),
                 ("orders", import_orders_step),
                 ("auto-accept", lambda: tally.add_accepts(queue_accepts(self.db))),
                 ("outbox", lambda: tally.add_outbox(send_pending(self.db, client, tick))),
                 ("push", push_step))
        if self._backmarket_steps(steps, tally, tick):
            self._shipstation_step(tally, tick)

    def _backmarket_steps(self, steps, tally: Tally, tick) -> bool:
        """Run the Back Market steps; False when the whole cycle must stop (cancelled, lease lost, switched off)."""
        for name, step in steps:
            try:
                tick(None)
                step()
            except (Cancelled, Interrupted):
                tally.fail("The sync was stopped before it finished.", "cancelled")
                return False
            except LeaseLost as exc:
                tally.fail(f"The sync stopped: {exc}.", "lease_lost")
                return False
            except SwitchedOff:
                tally.fail(f"The sync stopped: {SWITCHED_OFF}.", "disabled")
                return False
            except TokenRejected as exc:
                tally.fail(TOKEN_REJECTED_MESSAGE, exc.kind, detail=exc.message)
                return True  # Back Market is out of reach; ShipStation is not
            except BackMarketError as exc:
                tally.fail(f"{name}: {exc.user_message}", exc.kind, detail=exc.message)
                if isinstance(exc, STOPS_CYCLE):
                    return True
            except DomainError as exc:
                tally.fail(f"{name}: {exc}", getattr(exc, "reason", "refused"))
            except Exception as exc:  # a bug in one step must not hide what the others did
                log.exception("sync step %s failed", name)
                first_line = (str(exc).splitlines() or [""])[0]
                tally.fail(f"{name}: unexpected error ({type(exc).__name__}: {first_line})", "internal")
        return True

    def _shipstation_only(self, tally: Tally, progress, cancel) -> SyncReport:
        """A cycle of ShipStation steps alone, under the same lease as a full cycle (never two stations
        at once). Like the Back Market token, the key comes first: a station without one never takes it."""
        from app.integrations.shipstation.config import build_client

        try:
            ss_client = build_client(self.db, **self._shipstation_options())
        except DomainError as exc:
            tally.fail(f"ShipStation: {exc}", getattr(exc, "reason", "settings"))
            return tally.freeze()
        try:
            if not self._start_run(tally):
                return tally.freeze()

            def tick(text: str | None) -> None:
                if text:
                    log.debug("sync: %s", text)
                    if progress is not None:
                        progress(text)
                if self.stop_event.is_set() or (cancel is not None and cancel()):
                    raise Cancelled()
                self._hold_lease()

            self._shipstation_step(tally, tick, ss_client)
        finally:
            ss_client.close()
        return self._finish(tally)

    def _start_run(self, tally: Tally) -> bool:
        """Take the lease and record the run; False (the tally says why) when another station holds it."""
        if not self._take_lease():
            tally.skipped = f"another station is syncing: {lease.current_holder(self.db) or 'unknown'}"
            return False
        with self.db.sessions.begin() as session:
            run = SyncRun(station=self.station[:80], started_at=tally.started)
            session.add(run)
            session.flush()
            tally.run_id = run.id
        return True

    def _shipstation_options(self) -> dict:
        """interrupt() ends ShipStation's waits too; one call never outlives its share of the lease."""
        # on_open: interrupt() also cuts off the request in flight (the engine keeps each client).
        return {"stop": self.stop_event, "call_budget_seconds": self.lease_ttl * CALL_SHARE_OF_LEASE,
                "on_open": self._keep_client}

    def _hold_lease(self) -> None:
        """The fence without the Back Market switch: the lease is still ours for longer than one call."""
        left = lease.seconds_left(self.db, self.station)
        if left is None:
            raise self._lost()
        if left < self.lease_ttl * (1 - CALL_SHARE_OF_LEASE):
            if not lease.renew(self.db, self.station, self.lease_ttl):
                raise self._lost()
            self._renewed_at = time.monotonic()

    def _shipstation_step(self, tally: Tally, tick, client=None) -> None:
        """ShipStation after Back Market, under the same lease (its own settings switch it on)."""
        from app.integrations.shipstation.steps import run_shipstation_cycle

        try:
            if client is None:
                result = run_shipstation_cycle(self.db, tick, **self._shipstation_options())
            else:
                result = run_shipstation_cycle(self.db, tick, client=client)
        except (Cancelled, Interrupted):
            tally.fail("The sync was stopped before it finished.", "cancelled")
            return
        except LeaseLost as exc:
            tally.fail(f"The sync stopped: {exc}.", "lease_lost")
            return
        except SwitchedOff:
            tally.fail(f"The sync stopped: {SWITCHED_OFF}.", "disabled")
            return
        except Exception as exc:  # a bug there must not hide what the Back Market steps did
            log.exception("ShipStation steps failed")
            first_line = (str(exc).splitlines() or [""])[0]
            tally.fail(f"shipstation: unexpected error ({type(exc).__name__}: {first_line})", "internal")
            return
        if result is None:
            return
        tally.changes |= result.changes
        tally.warnings += [f"ShipStation: {w}" for w in result.warnings]
        if result.error:
            tally.fail(f"ShipStation: {result.error}", result.error_kind or "shipstation")

    def _finish(self, tally: Tally) -> SyncReport:
        report = tally.freeze()
        with self.db.sessions.begin() as session:
            run = session.get(SyncRun, tally.run_id)
            if run is not None:
                run.finished_at = report.finished
                run.summary = json.dumps(report.summary_dict())
                run.error = report.error
                run.error_kind = report.error_kind
        log.info("sync cycle: %s", report.summary_line())
        return report
