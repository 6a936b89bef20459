"""Per-user folders (platformdirs): the default database, logs, this station's config."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "RefurbDesk"


def data_dir() -> Path:
    override = os.environ.get("REFURBDESK_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP, appauthor=False))


def log_dir() -> Path:
    override = os.environ.get("REFURBDESK_DATA_DIR")
    if override:
        return Path(override) / "logs"
    return Path(platformdirs.user_log_dir(APP, appauthor=False))


def config_dir() -> Path:
    override = os.environ.get("REFURBDESK_DATA_DIR")
    if override:
        return Path(override) / "config"
    return Path(platformdirs.user_config_dir(APP, appauthor=False))
