"""Scans commit on the station's own writer thread: reads and screen refreshes filling the shared
pool never make a packer's scan wait for them."""

from __future__ import annotations

import threading

import pytest
from app.domain.packing_query import order_detail
from app.ui.packing.tab import PackingTab

from packing_helpers import direct_order, seed_stock

pytestmark = pytest.mark.gui

IP13_A = "IP13-128-MID-A"


@pytest.fixture
def stock(db):
    return seed_stock(db)


@pytest.fixture
def blocked_reads(ctx):
    """Every thread of the read pool busy (a Back Market tab recomputing, say) until released."""
    release, started = threading.Event(), []
    lock = threading.Lock()

    def slow_read() -> None:
        with lock:
            started.append(1)
        release.wait(30)

    for _ in range(4):  # more than the pool has threads: some wait in its queue too
        ctx.runner.run(slow_read)
    yield release, started
    release.set()


def test_a_scan_commits_while_every_read_thread_is_busy(qtbot, ctx, db, stock, blocked_reads) -> None:
    release, started = blocked_reads
    number = direct_order(db, "Ada", [(IP13_A, 2)])
    tab = PackingTab(ctx)
    qtbot.addWidget(tab)
    tab.open_order(number)  # open at once; its details are a read, and reads are blocked
    qtbot.waitUntil(lambda: len(started) == 2, timeout=5000)
    imei = stock.by_sku[IP13_A][0]
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as verdict:
        assert tab.handle_scan(imei)
    assert verdict.args[0] == "ok", verdict.args
    assert not release.is_set() and ctx.runner.busy  # the reads are still stuck: the scan did not wait
    with db.reads() as s:
        assert order_detail(s, number).scanned == 1
    release.set()
    tab.shutdown()
    assert ctx.wait(10000)


def test_scan_writes_keep_their_order_on_the_one_writer_thread(qtbot, ctx) -> None:
    seen: list[int] = []
    threads: set[int] = set()

    def write(i: int) -> int:
        threads.add(threading.get_ident())
        return i

    for i in range(20):
        ctx.writer.run(lambda i=i: write(i), seen.append)
    qtbot.waitUntil(lambda: len(seen) == 20, timeout=5000)
    assert seen == list(range(20)) and len(threads) == 1 and threading.get_ident() not in threads


def test_serial_jobs_on_the_writer_answer_in_scan_order_without_waiting_for_the_screen(qtbot, ctx) -> None:
    from app.ui.serial_jobs import SerialJobs

    jobs, answers = SerialJobs(ctx.writer), []
    for i in range(30):  # submitted faster than any answer can come back: all go to the writer at once
        jobs.submit(lambda i=i: i, answers.append, lambda exc: answers.append(exc))
    assert jobs.busy
    qtbot.waitUntil(lambda: len(answers) == 30, timeout=5000)
    assert answers == list(range(30)) and not jobs.busy
