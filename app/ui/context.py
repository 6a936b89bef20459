"""What every screen receives: the database, the event bridge, the task runner, this station's config.

Screens get this small record — never the main window (HOUSE_STYLE: no god object).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.db import Database
from app.station_config import StationConfig
from app.ui.bridge import EventBridge
from app.ui.tasks import TaskRunner, scan_writer


@dataclass
class UiContext:
    db: Database
    events: EventBridge
    runner: TaskRunner
    station: StationConfig = field(default_factory=StationConfig)
    writer: TaskRunner | None = None  # scan commits only: never queued behind reads (see tasks.scan_writer)

    def __post_init__(self) -> None:
        if self.writer is None:
            self.writer = scan_writer()

    def wait(self, msecs: int = 10000) -> bool:
        """Block until the reads and the scan writes in flight are done (closing, tests, bench)."""
        writes_done = self.writer.wait(msecs)
        return self.runner.wait(msecs) and writes_done
