"""Databases for the benchmarks (not part of the product)."""
from __future__ import annotations


def ensure_pg_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}):
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
