"""Opening a database: a throw-away URL is refused, and a missing SQLite file is created only when asked."""

from __future__ import annotations

import pytest

from app.db import open_database, resolve_db_url
from app.db_errors import DatabaseRefused

THROWAWAY = ["sqlite://", "sqlite:///", "sqlite:///:memory:", "sqlite+pysqlite:///:memory:", "sqlite:///  ",
             "sqlite:///file::memory:?cache=shared", "sqlite:///x.db?mode=memory", ""]


@pytest.mark.parametrize("url", THROWAWAY)
def test_a_throw_away_database_is_refused_in_one_line(url):
    with pytest.raises(DatabaseRefused) as refused:
        open_database(url).dispose()
    message = str(refused.value)
    assert "\n" not in message
    assert "throw-away" in message or "empty" in message or "names no file" in message


def test_an_empty_db_option_is_refused_not_replaced_by_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv("REFURBDESK_DATA_DIR", str(tmp_path))
    assert resolve_db_url("") == ""  # `--db "$UNSET"`: refused later, never the default file silently
    with pytest.raises(DatabaseRefused, match="empty"):
        open_database("")


def test_not_a_url_is_refused_in_words():
    with pytest.raises(DatabaseRefused, match="not a database URL"):
        open_database("/home/me/refurbdesk.sqlite3")


def test_a_missing_file_is_not_created_unless_asked(tmp_path):
    target = tmp_path / "typo" / "refurbdesk.sqlite3"
    with pytest.raises(DatabaseRefused, match="no database at"):
        open_database(f"sqlite:///{target}", create=False)
    assert not target.parent.exists()  # not even its folder
    open_database(f"sqlite:///{target}").dispose()  # the default (init, the setup API, fixtures) creates
    assert target.parent.is_dir()


def test_an_empty_file_counts_as_missing(tmp_path):
    target = tmp_path / "truncated.sqlite3"
    target.write_bytes(b"")
    with pytest.raises(DatabaseRefused, match="no database at"):
        open_database(f"sqlite:///{target}", create=False)


def test_a_folder_is_not_a_database_file(tmp_path):
    with pytest.raises(DatabaseRefused, match="is a folder"):
        open_database(f"sqlite:///{tmp_path}")
