"""The first-run checklist ticks each step from the database alone (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from app.domain import first_run, reference, settings, users
from app.domain.permissions import PermissionRefused
from tests.dbfixtures import make_imei, receive


def _done(db, **kw) -> dict[str, bool]:
    with db.reads() as s:
        return {step.key: step.done for step in first_run.checklist(s, **kw)}


def test_a_new_database_has_every_step_open(db):
    assert _done(db) == {"lists": False, "stock": False, "backmarket": False, "users": False}


def test_each_step_ticks_itself_from_what_the_database_holds(db):
    with db.sessions.begin() as s:
        reference.define_warehouse(s, "Shelf B")
    assert _done(db)["lists"]
    receive(db, make_imei(1))
    assert _done(db)["stock"]
    assert _done(db, token_in_environment=True)["backmarket"]
    assert not _done(db)["backmarket"]
    with db.sessions.begin() as s:
        users.add_user(s, "Ana", "admin", "4821")
    assert _done(db)["users"]


def test_keeping_the_default_lists_is_confirmed_by_a_manager(db):
    with db.sessions.begin() as s:
        first_run.confirm_lists(s)
    assert _done(db)["lists"]
    with db.reads() as s:
        assert settings.get(s, "setup.lists_checked") is True


def test_a_packer_cannot_confirm_the_lists(db):
    from app.domain.station import set_operator

    try:
        with db.sessions.begin() as s:
            set_operator(users.add_user(s, "Ana", "admin", "4821"))
            packer = users.add_user(s, "Pat", "packer", "1234")
        set_operator(packer)
        with db.sessions.begin() as s, pytest.raises(PermissionRefused):
            first_run.confirm_lists(s)
    finally:
        set_operator(None)
    assert not _done(db)["lists"]


def test_a_demo_database_needs_no_checklist(db):
    from app.demo.seed import mark_demo

    mark_demo(db, sync=False)
    with db.reads() as s:
        assert first_run.checklist(s) == []
