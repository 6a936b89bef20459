"""Run the real `refurbdesk` command in a subprocess, isolated from the user's folders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class Cli:
    def __init__(self, url: str | None, data_dir: Path, **env: str) -> None:
        self.url = url
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("REFURBDESK_")}
        self.env.update(REFURBDESK_DATA_DIR=str(data_dir), REFURBDESK_STATION="cli-test", REFURBDESK_OPERATOR="tester",
                        PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen", **env)

    def run(self, *args: str, ok: bool | None = True, db: bool = True, input: str | None = None):
        argv = [sys.executable, "-m", "app", *(["--db", self.url] if db and self.url else []), *args]
        proc = subprocess.run(argv, env=self.env, cwd=REPO, capture_output=True, text=True, input=input, timeout=120)
        if ok is True:
            assert proc.returncode == 0, f"{args} failed ({proc.returncode}): {proc.stderr}"
        elif ok is False:
            assert proc.returncode != 0, f"{args} should have failed: {proc.stdout}"
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    def json(self, *args: str):
        return json.loads(self.run(*args).stdout)
