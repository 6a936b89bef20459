"""This station's own settings (scanner, printer, sounds): a JSON file in the user config folder.

Shared settings live in the database (app.domain.settings); these differ per workstation.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from app.paths import config_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StationConfig:
    station_name: str = ""  # empty: the computer's name
    wedge_scanner: bool = True  # listen for USB keyboard-wedge scanners
    scanner_prefix: str = ""
    scanner_suffix: str = ""
    scanner_max_gap_ms: float = 35.0
    serial_port: str = ""  # empty: no serial scanner
    serial_baud: int = 9600
    printer: str = ""  # empty: the system default printer
    label_size: str = "2.25x1.25"
    slip_size: str = "a4"
    auto_print_unit_labels: bool = False
    sounds: bool = True

    def with_changes(self, **changes) -> StationConfig:
        return replace(self, **changes)


def config_path() -> Path:
    return config_dir() / "station.json"


def load_station_config(path: Path | None = None) -> StationConfig:
    path = path or config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return StationConfig()
    except (OSError, ValueError):
        log.warning("station config %s unreadable; using defaults", path)
        return StationConfig()
    known = {f.name: f.type for f in fields(StationConfig)}
    kept = {k: v for k, v in data.items() if k in known}
    try:
        return StationConfig(**kept)
    except TypeError:
        return StationConfig()


def save_station_config(config: StationConfig, path: Path | None = None) -> None:
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(config), indent=2), encoding="utf-8")
    tmp.replace(path)
