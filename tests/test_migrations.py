"""The Alembic migrations produce exactly the models' schema."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

import models  # noqa: F401
from extensions import db

ROOT = Path(__file__).resolve().parent.parent


def _upgrade(url: str) -> None:
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="migration-test")
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True, text=True)


def _diff(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, db.metadata)
    engine.dispose()
    return diff


def test_sqlite_migrations_match_models():
    path = Path(tempfile.mkdtemp()) / "mig.db"
    url = f"sqlite:///{path}"
    _upgrade(url)
    assert _diff(url) == []


def test_postgresql_migrations_match_models():
    import pytest

    base = os.environ.get("TEST_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL (PostgreSQL) not set")
    # A separate schema-free database: create a fresh one next to the test database.
    admin = create_engine(base.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    name = "relawan_migration_check"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        url = base.rsplit("/", 1)[0] + "/" + name
        _upgrade(url)
        assert _diff(url) == []
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()
