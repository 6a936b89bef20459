"""RefurbDesk: serialized inventory and Back Market sync for used-device refurbishers."""

__version__ = "0.1.0"
