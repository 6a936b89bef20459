"""In CI (CI=true) the PostgreSQL tests fail when the cluster cannot start or be reached; locally they skip."""

from __future__ import annotations

import socket

import pytest

import tests.dbfixtures as fixtures


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("1", pytest.fail.Exception),
                                         ("", pytest.skip.Exception), ("false", pytest.skip.Exception)])
def test_no_postgresql_binaries(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(fixtures, "_pg_bin", lambda: None)
    with pytest.raises(BaseException) as stopped:  # Skipped and Failed are BaseExceptions
        fixtures._start_private_cluster()
    assert type(stopped.value) is outcome and "no PostgreSQL binaries" in str(stopped.value)


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_a_cluster_that_cannot_be_reached(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv(fixtures.PG_ENV, f"postgresql+psycopg://postgres:secret@127.0.0.1:{_free_port()}/postgres")
    with pytest.raises(BaseException) as stopped:
        next(fixtures.pg_cluster.__wrapped__())
    assert type(stopped.value) is outcome and "cannot reach" in str(stopped.value)
    assert "secret" not in str(stopped.value)
