"""The Back Market tab: settings, listings with their calculated quantities, mapping, sync health."""
