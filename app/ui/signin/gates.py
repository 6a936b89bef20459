"""Which of the window's actions each role sees: one table, applied whenever the operator changes.

Hiding is a courtesy; the services refuse anyway (`permissions.require`), and the refusal names
the role that may. Each entry finds its widget by attribute path, so a tab that is a test double
or not built yet is simply skipped.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel, QTabWidget, QWidget

from app.domain.permissions import Permission, lowest_role_for, role_allows
from app.domain.station import current_operator


def may(perm: Permission) -> bool:
    """For dialogs opened from an unlocked window: nobody signed in means no users exist."""
    operator = current_operator()
    return operator is None or role_allows(operator.role, perm)


def refusal_words(perm: Permission) -> str:
    """What a disabled action says: the role that may, and who is signed in (the services' words)."""
    role = lowest_role_for(perm)
    who = "Only an admin" if role == "admin" else f"Only a {role} or admin"
    operator = current_operator()
    signed_in = f"you are signed in as {operator.role} {operator.name}" if operator else "nobody is signed in"
    return f"{who} may {perm.value}; {signed_in}."


def read_only_unless(perm: Permission, say: QLabel, *buttons: QAbstractButton | None) -> bool:
    """A dialog the role may look at but not change: its buttons off, and why, in words."""
    if may(perm):
        return True
    for button in buttons:
        if button is not None:
            button.setEnabled(False)
    say.setText(refusal_words(perm))
    return False


def _path(root: Any, path: str) -> Any:
    node = root
    for part in path.split("."):
        node = getattr(node, part, None)
        if node is None:
            return None
    return node


def _corner(window) -> QWidget | None:
    pages = _path(window, "inventory.pages")
    return pages.cornerWidget() if isinstance(pages, QTabWidget) else None


def _set_visible(target, allowed: bool) -> None:
    if target is not None:
        target.setVisible(allowed)


def _backmarket_settings(window, allowed: bool) -> None:
    pages, panel = _path(window, "backmarket.pages"), _path(window, "backmarket.settings_panel")
    if isinstance(pages, QTabWidget) and panel is not None and pages.indexOf(panel) >= 0:
        if not allowed and pages.currentWidget() is panel:
            pages.setCurrentIndex(0)
        pages.setTabVisible(pages.indexOf(panel), allowed)


def _shipping_settings(window, allowed: bool) -> None:
    pages, panel = _path(window, "backmarket.pages"), _path(window, "backmarket.shipping_panel")
    if isinstance(pages, QTabWidget) and panel is not None and pages.indexOf(panel) >= 0:
        if not allowed and pages.currentWidget() is panel:
            pages.setCurrentIndex(0)
        pages.setTabVisible(pages.indexOf(panel), allowed)


def _catalog_editing(window, allowed: bool) -> None:
    table = _path(window, "catalog.table")
    if not isinstance(table, QAbstractItemView):
        return
    if not hasattr(table, "_editable_triggers"):
        table._editable_triggers = table.editTriggers()
    table.setEditTriggers(table._editable_triggers if allowed else QAbstractItemView.EditTrigger.NoEditTriggers)
    _set_visible(_path(window, "catalog.assign_button"), allowed)


def _receive_cost(window, allowed: bool) -> None:
    cost = _path(window, "inventory.receive.cost_edit")
    form = cost.parentWidget().layout() if cost is not None and cost.parentWidget() is not None else None
    if form is not None and hasattr(form, "setRowVisible"):
        try:
            form.setRowVisible(cost, allowed)
        except (RuntimeError, TypeError):
            cost.setVisible(allowed)


def _outbox_retry(window, allowed: bool) -> None:
    for name in ("retry_button", "retry_all_button"):
        _set_visible(_path(window, f"backmarket.attention.{name}"), allowed)


def _purchasing(window, allowed: bool) -> None:
    for name in ("purchasing", "vendor_returns"):
        tab = getattr(window, name, None)
        if tab is not None and hasattr(tab, "set_manager"):
            tab.set_manager(allowed)


def _reports(window, allowed: bool) -> None:
    tabs, reports = getattr(window, "tabs", None), getattr(window, "reports", None)
    if isinstance(tabs, QTabWidget) and reports is not None and tabs.indexOf(reports) >= 0:
        if not allowed and tabs.currentWidget() is reports:
            tabs.setCurrentIndex(0)
        tabs.setTabVisible(tabs.indexOf(reports), allowed)


GATES: tuple[tuple[Permission, Callable[[Any, bool], None]], ...] = (
    (Permission.CSV, lambda w, ok: _set_visible(getattr(w, "import_action", None), ok)),
    (Permission.CSV, lambda w, ok: _set_visible(getattr(w, "export_action", None), ok)),
    (Permission.CSV, lambda w, ok: _set_visible(_corner(w), ok)),
    (Permission.INTEGRATIONS, _backmarket_settings),
    (Permission.INTEGRATIONS, _shipping_settings),
    (Permission.CATALOG, _catalog_editing),
    (Permission.VIEW_COSTS, _receive_cost),
    (Permission.OUTBOX, _outbox_retry),
    (Permission.PURCHASING, _purchasing),
    (Permission.VIEW_COSTS, _reports),
)


def apply_role(window, allowed: Callable[[Permission], bool]) -> None:
    for perm, gate in GATES:
        gate(window, allowed(perm))
