"""Crash safety (issue 6.6): bench/crash.py SIGKILLs gunicorn mid-load; no answered check-in lost.

Runs one short round (about half a minute: two gunicorn start-ups dominate). SQLite always;
PostgreSQL too when TEST_DATABASE_URL is set, in a scratch database <name>_crash.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def _run(extra: list[str]) -> str:
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed in .venv")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "crash.py"), "--rounds", "1", "--tickets", "300",
                           "--clients", "8", "--kill-after", "60", *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert "RESULT: PASS" in out and "missing: 0" in out, out[-3000:]
    return out


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                    reason="SQLite crash run is done by the SQLite pass of the suite")
def test_sigkill_during_checkin_load_loses_no_acknowledged_checkin_sqlite():
    out = _run([])
    assert "synchronous=NORMAL" in out


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="TEST_DATABASE_URL is not PostgreSQL")
def test_sigkill_during_checkin_load_loses_no_acknowledged_checkin_postgresql():
    url = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"{url.database}_crash"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        con.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _run(["--database-url", url.set(database=name).render_as_string(hide_password=False)])
    finally:
        with admin.connect() as con:
            con.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
