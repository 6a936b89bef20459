"""The Help menu: the day's workflows, the keyboard, where the log and the database live."""

from app.ui.help.guide import GuideDialog, Shortcut, open_folder

__all__ = ["GuideDialog", "Shortcut", "open_folder"]
