"""RefurbDesk benchmarks: `python -m bench` builds a large database and measures the core paths."""
