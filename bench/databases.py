"""The databases a run measures: SQLite (the ``make run`` default) and PostgreSQL (production).

``BENCH_DATABASE`` chooses: ``sqlite``, ``postgresql``, or ``auto`` (the default: both when the
PostgreSQL server binaries are installed, SQLite alone otherwise). PostgreSQL is started the way
CI starts it, by ``.ci/postgres`` (``TEST_PG_PORT`` / ``TEST_PG_DATA`` pick its port and data
dir; a server already listening there is reused and never stopped), and each run gets a fresh
database on it (``BENCH_PG_DB``, default ``dn_bench``, dropped and created again).
"""

from __future__ import annotations

import glob
import os
import subprocess

from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import make_url

from bench.settings import ROOT

NAMES = ("sqlite", "postgresql")


def wanted() -> list[str]:
    """The databases to measure, in the order they run."""
    choice = os.environ.get("BENCH_DATABASE", "auto").strip().lower() or "auto"
    if choice == "auto":
        return ["sqlite", "postgresql"] if postgresql_installed() else ["sqlite"]
    if choice == "both":
        return list(NAMES)
    if choice not in NAMES:
        raise ValueError(f"BENCH_DATABASE must be sqlite, postgresql, both or auto, not {choice!r}")
    return [choice]


def postgresql_installed() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def postgresql_url() -> str:
    """Start (or reuse) the CI-style server and return the URL of a fresh, empty bench database."""
    done = subprocess.run([str(ROOT / ".ci" / "postgres")], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f".ci/postgres failed ({done.returncode}): {done.stderr[-1500:]}")
    server = make_url(done.stdout.strip().splitlines()[-1])
    name = os.environ.get("BENCH_PG_DB", "dn_bench")
    if not name.replace("_", "").isalnum():
        raise ValueError(f"BENCH_PG_DB must be letters, digits and underscores, not {name!r}")
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def url_for(name: str, instance_dir: str) -> str:
    """The DATABASE_URL of one run on ``name``."""
    if name == "sqlite":
        return f"sqlite:///{instance_dir}/training.sqlite"
    return postgresql_url()


def query(url: str, sql: str, params: dict | None = None, expanding: tuple[str, ...] = ()) -> list[tuple]:
    """Plain SQL against the bench database, outside the app: the checks must not depend on the
    code they check."""
    statement = text(sql)
    if expanding:
        statement = statement.bindparams(*(bindparam(name, expanding=True) for name in expanding))
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(statement, params or {})]
    finally:
        engine.dispose()
