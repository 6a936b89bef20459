"""What every screen receives: the database, the event bridge, the task runner, this station's config.

Screens get this small record — never the main window (HOUSE_STYLE: no god object).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.db import Database
from app.station_config import StationConfig
from app.ui.bridge import EventBridge
from app.ui.tasks import TaskRunner


@dataclass
class UiContext:
    db: Database
    events: EventBridge
    runner: TaskRunner
    station: StationConfig = field(default_factory=StationConfig)
