"""GUI test fixtures: an initialized temporary SQLite database and a UiContext around it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.db import Database, open_database
from app.domain.events import EventBus
from app.domain.setup import initialize
from app.station_config import StationConfig


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(f"sqlite:///{tmp_path / 'ui.sqlite3'}")
    initialize(database)
    yield database
    database.dispose()


@pytest.fixture
def station_path(tmp_path: Path) -> Path:
    """Where this station's config goes in tests — never the user's real config folder."""
    return tmp_path / "station.json"


@pytest.fixture
def ctx(qapp, db: Database):
    from app.ui.bridge import EventBridge
    from app.ui.context import UiContext
    from app.ui.tasks import TaskRunner

    events = EventBridge(EventBus())  # a private bus: no test hears another's changes
    runner = TaskRunner()
    context = UiContext(db, events, runner, StationConfig(station_name="Bench 1", sounds=False))
    yield context
    context.wait()
    qapp.processEvents()  # deliver finished jobs' callbacks before the widgets go
    events.close()
