"""Role gates inside dialogs: a packer sees the mapping dialog read-only, with the role that may."""

from __future__ import annotations

import pytest

from app.domain import users
from app.domain.station import set_operator
from signin_helpers import PAT, add_operators
from test_ui_backmarket import _open_dialog, listings, stock, sync, tab  # noqa: F401

pytestmark = pytest.mark.gui


def test_a_packer_cannot_save_a_mapping_and_reads_who_may(qtbot, db, tab) -> None:
    add_operators(db)
    with db.reads() as s:
        set_operator(next(u for u in users.list_users(s) if u.name == PAT.name))
    dialog = _open_dialog(qtbot, tab, "IP13-128-MID-B")
    assert not dialog.save_button.isEnabled()
    assert dialog.problem.text() == ("Only a manager or admin may map listings or set their rules; "
                                     "you are signed in as packer Pat.")
    dialog.reject()


def test_without_users_the_mapping_dialog_is_unchanged(qtbot, tab) -> None:
    dialog = _open_dialog(qtbot, tab, "IP13-128-MID-B")
    assert dialog.save_button.isEnabled() and dialog.problem.text() == ""
    dialog.reject()
