"""The Help menu: the day's workflows, the keyboard, where the log and the database live."""

from app.ui.help.guide import GuideDialog, open_folder
from app.ui.help.keys import Shortcut, app_shortcuts

__all__ = ["GuideDialog", "Shortcut", "app_shortcuts", "open_folder"]
