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


def test_start_up_objects_are_kept_once_and_later_garbage_is_still_collected():
    """Run in a fresh interpreter: freezing is for the life of a process."""
    import subprocess
    import textwrap

    script = textwrap.dedent("""
        import gc, weakref
        from app.threads import keep_start_up_objects
        keep_start_up_objects()
        kept = gc.get_freeze_count()
        assert kept > 1000, kept
        keep_start_up_objects()  # a second window in the same process freezes nothing more
        assert gc.get_freeze_count() == kept
        class Node: pass
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle made after start-up
        gone = weakref.ref(a)
        del a, b
        gc.collect()
        assert gone() is None, "garbage made after start-up must still be collected"
        print("ok", kept)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")
