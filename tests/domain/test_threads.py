"""Collections stay off while any import runs (in any thread) and come back after the last one."""

from __future__ import annotations

import gc
import sys
import threading

from app.threads import SWITCH_INTERVAL_S, collector_paused, tune_for_latency


def test_overlapping_pauses_turn_the_collector_back_on_after_the_last():
    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()

    def other_import() -> None:
        with collector_paused():
            inside.set()
            release.wait(10)

    worker = threading.Thread(target=other_import)
    with collector_paused():
        worker.start()
        assert inside.wait(10)
    assert not gc.isenabled()  # the other import still runs
    release.set()
    worker.join(10)
    assert gc.isenabled()


def test_a_failing_job_turns_the_collector_back_on():
    try:
        with collector_paused():
            raise ValueError("bad file")
    except ValueError:
        pass
    assert gc.isenabled()


def test_the_process_switches_threads_every_millisecond():
    before = sys.getswitchinterval()
    try:
        tune_for_latency()
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S == 0.001
    finally:
        sys.setswitchinterval(before)
