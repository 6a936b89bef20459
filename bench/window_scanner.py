"""A scanner for the window bench: types codes into the main window at a packer's pace (a USB
wedge's key events, 4 ms apart) and matches each verdict on the packing banner to its scan."""

from __future__ import annotations

import statistics
import time

from bench.core import percentile


class PacedScanner:
    """Types codes into the window at a fixed pace and matches each verdict to its scan."""

    def __init__(self, app, window, target) -> None:
        self.app, self.window, self.target = app, window, target
        self.started: dict[str, float] = {}
        self.answered: dict[str, tuple[str, float]] = {}
        self.commits: list[float] = []
        self.commit_of: dict[str, float] = {}
        window.packing.verdict_shown.connect(self._on_verdict)

    def _on_verdict(self, kind: str, text: str) -> None:
        packing = self.window.packing
        packing.banner.repaint()  # count the paint the packer waits for, not only the setText
        now = time.perf_counter()
        code = next((c for c in self.started if c in text and c not in self.answered), None)
        if code is not None:
            self.answered[code] = (kind, now)
            self.commits.append(packing.last_commit_ms)
            self.commit_of[code] = packing.last_commit_ms

    def send(self, code: str) -> None:
        """The scanner's keystrokes, one Python call: Qt delivers them itself, as it does the
        platform's input (each key's ShortcutOverride, press and release, spontaneous, through the
        application's event filters and up the focus widget's parents). Sent one event at a time
        from Python instead, every key added a hand-over of Python's interpreter lock between the
        bench and the window's busy threads that a real scanner's input does not cost."""
        from PySide6.QtTest import QTest

        self.started[code] = time.perf_counter()
        QTest.keyClicks(self.target, code + "\r")

    def paced(self, codes: list[str], pace_ms: int, keep_going=lambda: True, timeout_s: float = 60.0) -> list[str]:
        """Scan codes every pace_ms while keep_going(); wait for their verdicts. Returns the codes sent."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        sent: list[str] = []
        todo = iter(codes)

        def tick() -> None:
            code = next(todo, None) if keep_going() else None
            if code is None:
                timer.stop()
                return
            sent.append(code)
            self.send(code)

        timer = QTimer(interval=pace_ms)
        timer.timeout.connect(tick)
        check = QTimer(interval=20)
        check.timeout.connect(lambda: (not timer.isActive() and all(c in self.answered for c in sent)) and loop.quit())
        timer.start()
        check.start()
        tick()
        deadline = QTimer(singleShot=True)
        deadline.timeout.connect(loop.quit)

        def arm_deadline() -> None:  # once the last scan is sent, give the verdicts timeout_s
            if not timer.isActive() and not deadline.isActive():
                deadline.start(int(timeout_s * 1000))

        check.timeout.connect(arm_deadline)
        loop.exec()
        timer.stop()
        check.stop()
        return sent

    def summary(self, prefix: str, sent: list[str]) -> dict:
        latencies = sorted((self.answered[c][1] - self.started[c]) * 1000.0 for c in sent if c in self.answered)
        refused = [c for c in sent if c in self.answered and self.answered[c][0] != "ok"]
        unanswered = [c for c in sent if c not in self.answered]
        out = {
            f"{prefix}_p95_ms": round(percentile(latencies, 95), 2) if latencies else None,
            f"{prefix}_p50_ms": round(statistics.median(latencies), 2) if latencies else None,
            f"{prefix}_max_ms": round(latencies[-1], 2) if latencies else None,
            f"{prefix}_scans": len(sent),
            f"{prefix}_refused": len(refused),
            f"{prefix}_unanswered": len(unanswered),
        }
        commits = sorted(self.commit_of[c] for c in sent if c in self.commit_of and self.commit_of[c] is not None)
        if commits:  # the scan's own transaction on the writer thread, waits for the write lock included
            out[f"{prefix}_commit_p95_ms"] = round(percentile(commits, 95), 2)
        return out


def wait_for(app, done, timeout_s: float, what: str) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    if done():
        return
    loop = QEventLoop()
    poll = QTimer(interval=20)
    poll.timeout.connect(lambda: done() and loop.quit())
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    poll.start()
    loop.exec()
    poll.stop()
    if not done():
        raise TimeoutError(f"bench: {what} did not happen within {timeout_s:.0f} s")
