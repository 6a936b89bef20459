"""Database fixtures shared by tests/domain, tests/cli and tests/db.

`db` runs a test twice: on a fresh SQLite file and on a fresh PostgreSQL database. The PostgreSQL
cluster is the one named by REFURBDESK_TEST_PG_URL (CI), or a private throw-away cluster started
for the session with the PostgreSQL 15 binaries; without either, the postgres params are skipped.

Each test module that wants these does `from tests.dbfixtures import *` in its conftest.py
(pyproject puts the repository root on sys.path, so `tests` is a namespace package).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from app.db import Database, open_database
from app.domain import inventory
from app.domain.catalog import ProductSpec
from app.domain.codes import luhn_check_digit
from app.domain.setup import initialize

__all__ = [
    "PgCluster", "pg_cluster", "empty_db_url", "sqlite_template_file", "pg_template_name", "db", "sqlite_db", "pg_db", "pg_database_url",
    "make_imei", "receive", "IPHONE", "PIXEL", "BACKENDS", "new_pg_database", "drop_pg_database",
]

PG_ENV = "REFURBDESK_TEST_PG_URL"
IPHONE = ProductSpec("Apple", "iPhone 8 Plus", "A1864", "Sprint", "64GB", "Rose Gold")
PIXEL = ProductSpec("Google", "Pixel 7", "GVU6C", "Unlocked", "128GB", "Obsidian")


def make_imei(n: int, prefix: str = "35") -> str:
    """The n-th Luhn-valid 15-digit IMEI of a family (prefix + n, then the check digit)."""
    body = f"{prefix}{n:0{14 - len(prefix)}d}"
    assert len(body) == 14, "n too large for the prefix"
    return body + luhn_check_digit(body)


def receive(
    db: Database,
    code: str | None = None,
    *,
    product: ProductSpec = IPHONE,
    grade: str = "A",
    conditions: tuple[str, ...] = (),
    status: str = "Available",
    warehouse: str = "Main",
    sku: str | None = None,
    imei2: str | None = None,
    serial: str | None = None,
    cost: Decimal | None = None,
) -> int:
    """Receive one unit through the inventory service in its own transaction; returns its id."""
    receipt = inventory.Receipt(product, grade, tuple(conditions), status, warehouse, sku, cost)
    with db.sessions.begin() as s:
        unit, _ = inventory.receive_unit(s, receipt, code=code, imei2=imei2, serial=serial)
        return unit.id


# --------------------------------------------------------------------------- PostgreSQL cluster


@dataclass
class PgCluster:
    admin_url: str  # a URL to the maintenance database ("postgres") with CREATEDB rights
    datadir: Path | None = None  # set when this session started the cluster itself

    def url_for(self, dbname: str) -> str:
        return make_url(self.admin_url).set(database=dbname).render_as_string(hide_password=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root; the cluster files must belong to the postgres user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off")


def pg_unavailable(reason: str) -> NoReturn:
    """Locally a missing PostgreSQL skips its tests; in CI (CI=true) it fails them: a CI run that
    quietly tested SQLite only would pass while PostgreSQL is broken."""
    if in_ci():
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


def _check_reachable(url: str) -> None:
    engine = create_engine(url, connect_args={"connect_timeout": 10})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any reason it cannot be reached
        pg_unavailable(f"cannot reach {make_url(url).render_as_string(hide_password=True)} "
                       f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})")
    finally:
        engine.dispose()


def _start_private_cluster() -> PgCluster:
    bindir = _pg_bin()
    if bindir is None:
        pg_unavailable("no REFURBDESK_TEST_PG_URL and no PostgreSQL binaries (initdb) found")
    datadir = Path(tempfile.mkdtemp(prefix="refurbdesk-pg-"))
    if os.geteuid() == 0:
        shutil.chown(datadir, "postgres", "postgres")
    port = _free_port()
    run = dict(check=True, capture_output=True, text=True, timeout=120)
    try:
        subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres",
                                     "--auth=trust", "-E", "UTF8", "--no-sync"]), **run)
        subprocess.run(_as_postgres([
            str(bindir / "pg_ctl"), "-D", str(datadir), "-l", str(datadir / "server.log"),
            "-o", f"-p {port} -k {datadir} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            "-w", "start",
        ]), **run)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(datadir, ignore_errors=True)
        pg_unavailable(f"could not start a private cluster: {exc.stderr or exc.stdout}")
    return PgCluster(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", datadir)


def _stop_private_cluster(cluster: PgCluster) -> None:
    bindir = _pg_bin()
    if cluster.datadir is None or bindir is None:
        return
    subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(cluster.datadir), "-m", "immediate", "-w", "stop"]),
                   capture_output=True, timeout=60)
    shutil.rmtree(cluster.datadir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    url = os.environ.get(PG_ENV)
    if url:
        _check_reachable(url)
        yield PgCluster(url)
        return
    cluster = _start_private_cluster()
    try:
        yield cluster
    finally:
        _stop_private_cluster(cluster)


def _admin(cluster: PgCluster):
    return create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")


def new_pg_database(cluster: PgCluster, template: str | None = None) -> str:
    """CREATE DATABASE t_<uuid> (optionally from a template); returns its URL."""
    name = f"t_{uuid.uuid4().hex}"
    engine = _admin(cluster)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    finally:
        engine.dispose()
    return cluster.url_for(name)


def drop_pg_database(cluster: PgCluster, url: str) -> None:
    name = make_url(url).database
    engine = _admin(cluster)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        engine.dispose()


@pytest.fixture
def pg_database_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh, empty PostgreSQL database (no schema), dropped after the test."""
    url = new_pg_database(pg_cluster)
    try:
        yield url
    finally:
        drop_pg_database(pg_cluster, url)


# --------------------------------------------------------------------------- the `db` fixtures

BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def empty_db_url(request, tmp_path) -> str:
    """A URL to a database that does not exist yet / has no schema, on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'refurbdesk.sqlite3'}"
    return request.getfixturevalue("pg_database_url")



def _open_initialized(url: str) -> Database:
    database = open_database(url)
    initialize(database)
    return database


@pytest.fixture(scope="session")
def sqlite_template_file(tmp_path_factory) -> Path:
    """A migrated, seeded SQLite file made once; each test starts from a copy of it."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = _open_initialized(f"sqlite:///{path}")
    database.dispose()  # the last connection closing folds the WAL back into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def pg_template_name(pg_cluster: PgCluster) -> Iterator[str]:
    """A migrated, seeded PostgreSQL database made once; each test's database is CREATEd from it."""
    url = new_pg_database(pg_cluster)
    _open_initialized(url).dispose()
    try:
        yield make_url(url).database
    finally:
        drop_pg_database(pg_cluster, url)


@pytest.fixture
def db(request, empty_db_url: str) -> Iterator[Database]:
    """`open_database(url)` + `initialize(db)` on a fresh SQLite file, then on a fresh PG database.

    The schema comes from a per-session template (a file copy, or CREATE DATABASE … TEMPLATE), so
    `initialize` here only confirms it is at head and the defaults are there — as it would at start-up.
    """
    if empty_db_url.startswith("sqlite"):
        shutil.copyfile(request.getfixturevalue("sqlite_template_file"), empty_db_url.removeprefix("sqlite:///"))
    else:
        template = request.getfixturevalue("pg_template_name")
        cluster = request.getfixturevalue("pg_cluster")
        drop_pg_database(cluster, empty_db_url)
        name = make_url(empty_db_url).database
        engine = _admin(cluster)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            engine.dispose()
    database = _open_initialized(empty_db_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def sqlite_db(tmp_path) -> Iterator[Database]:
    database = _open_initialized(f"sqlite:///{tmp_path / 'refurbdesk.sqlite3'}")
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def pg_db(pg_database_url: str) -> Iterator[Database]:
    database = _open_initialized(pg_database_url)
    try:
        yield database
    finally:
        database.dispose()
