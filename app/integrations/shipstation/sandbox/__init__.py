"""A faithful local ShipStation v1 (shipstation-api.md §9), for tests, the demo and offline work."""

from __future__ import annotations

from app.integrations.shipstation.sandbox.server import DEMO_KEY, SandboxServer, serve
from app.integrations.shipstation.sandbox.store import SandboxStore

__all__ = ["DEMO_KEY", "SandboxServer", "SandboxStore", "serve"]
