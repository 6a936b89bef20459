"""The settings dialog: user-managed lists, SKU uniqueness and this station's own settings."""

from app.ui.settings_dialog.dialog import SettingsDialog

__all__ = ["SettingsDialog"]
