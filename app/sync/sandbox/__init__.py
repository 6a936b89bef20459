"""A faithful local Back Market seller API (backmarket-api.md §6), for tests, demos and offline work."""

from __future__ import annotations

from app.sync.sandbox.demo import DEMO_TOKEN
from app.sync.sandbox.server import SandboxServer, serve
from app.sync.sandbox.store import SandboxStore

__all__ = ["DEMO_TOKEN", "SandboxServer", "SandboxStore", "serve"]
