"""Plain-Python services over the models: no Qt, a Session per call owned by the caller."""
