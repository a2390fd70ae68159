"""Online backup during check-in load, and restore (issue 6.5). SQLite and PostgreSQL.

Writer threads check people in through the real check-in service (events.checkin.service.record_scan, one
commit per scan, as the API does). A backup is taken in the middle of the load. Every check-in
whose commit had returned before the backup started must be in the backup; the restored copy
must pass PRAGMA integrity_check (SQLite) and hold exactly the rows of the backup.
"""
from __future__ import annotations

import secrets
import shutil
import sqlite3
import threading
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from events.checkin import service as checkin_service
from events.checkin_models import CheckIn
from events.models import Event, Registration
from extensions import db
from ops import backup as backup_mod
from timeutil import utcnow

N_REGISTRATIONS = 240
N_THREADS = 4


def _dialect(app) -> str:
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()


def _need_pg_tools(app):
    if _dialect(app) == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore not on PATH: install postgresql-client to test PostgreSQL backups")


def _make_registrations(app, event_id: int, n: int) -> list[str]:
    with app.app_context():
        tokens = []
        for i in range(n):
            token = secrets.token_urlsafe(16)
            db.session.add(Registration(event_id=event_id, guest_name=f"Tamu {i}", guest_phone=f"+62813{i:08d}",
                                        source="guest", token=token, status="confirmed"))
            tokens.append(token)
        db.session.commit()
        return tokens


def _check_in_under_load(app, event_id, tokens, backup_path):
    """Run writer threads; take a backup midway. Returns (acked_before_backup, all_acked)."""
    lock = threading.Lock()
    acked: list[str] = []
    errors: list[BaseException] = []
    queue = list(tokens)
    half = threading.Event()

    def writer():
        with app.app_context():
            event = db.session.get(Event, event_id)
            while True:
                with lock:
                    if not queue:
                        return
                    token = queue.pop()
                try:
                    out = checkin_service.record_scan(event, token, by_user=None, scan_id=str(uuid.uuid4()))
                    db.session.commit()  # acknowledged once this returns
                except BaseException as exc:  # noqa: BLE001
                    db.session.rollback()
                    errors.append(exc)
                    return
                assert out.result == "checked_in", out.body
                with lock:
                    acked.append(token)
                    if len(acked) >= len(tokens) // 3:
                        half.set()

    threads = [threading.Thread(target=writer) for _ in range(N_THREADS)]
    for t in threads:
        t.start()
    assert half.wait(60), "writers made no progress"
    with lock:
        before = set(acked)
    started = time.perf_counter()
    backup_mod.backup(app.config["SQLALCHEMY_DATABASE_URI"], backup_path)
    elapsed = time.perf_counter() - started
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    assert len(acked) == len(tokens)
    with lock:
        remaining = len(queue)
    return before, set(acked), elapsed, remaining


def _tokens_in(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as con:
            return set(con.scalars(select(Registration.token).join(CheckIn, CheckIn.registration_id == Registration.id)))
    finally:
        engine.dispose()


@pytest.fixture
def restore_url(app, tmp_path):
    """An empty database to restore into: a new SQLite file, or <db>_restore on PostgreSQL."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"{url.database}_restore"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        con.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as con:
        con.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_during_checkin_load_keeps_every_acknowledged_checkin(app, make_event, tmp_path, restore_url):
    _need_pg_tools(app)
    event = make_event(starts_at=utcnow() + timedelta(hours=1))  # check-in window open now
    tokens = _make_registrations(app, event.id, N_REGISTRATIONS)
    path = tmp_path / "cadangan.bak"
    before, acked, elapsed, _remaining = _check_in_under_load(app, event.id, tokens, path)

    assert backup_mod.detect_format(path) == _dialect(app)
    assert (path.stat().st_mode & 0o777) == 0o600  # personal data: owner only
    backup_mod.restore(restore_url, path)
    if _dialect(app) == "sqlite":
        assert backup_mod.integrity_check(make_url(restore_url).database) == "ok"
        con = sqlite3.connect(make_url(restore_url).database)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.close()
    restored = _tokens_in(restore_url)

    missing = before - restored
    assert not missing, f"{len(missing)} acknowledged check-ins missing from the backup"
    assert restored <= acked  # nothing that was never acknowledged
    # The copy is a snapshot taken mid-load: it should not already hold everything.
    print(f"\nbackup took {elapsed * 1000:.0f} ms; acked before: {len(before)}, "
          f"in backup: {len(restored)}, total: {len(acked)}")
    # The live database still has every check-in exactly once.
    assert _tokens_in(app.config["SQLALCHEMY_DATABASE_URI"]) == acked
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(CheckIn)) == len(acked)


def test_cli_backup_then_restore_needs_yes(app, runner, make_event, tmp_path):
    _need_pg_tools(app)
    event = make_event(title="Sosialisasi sebelum cadangan")
    path = tmp_path / "cli.bak"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "Cadangan" in result.output and path.exists()

    with app.app_context():
        db.session.get(Event, event.id).title = "Diubah sesudah cadangan"
        db.session.commit()

    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    with app.app_context():
        assert db.session.get(Event, event.id).title == "Diubah sesudah cadangan"

    done = runner.invoke(args=["restore", str(path), "--yes"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        db.session.remove()
        assert db.session.get(Event, event.id).title == "Sosialisasi sebelum cadangan"


def test_restore_rejects_unknown_or_mismatched_files(app, tmp_path):
    junk = tmp_path / "bukan.bak"
    junk.write_bytes(b"hello world, not a backup")
    with pytest.raises(backup_mod.BackupError, match="bukan cadangan"):
        backup_mod.restore(app.config["SQLALCHEMY_DATABASE_URI"], junk)
    other = tmp_path / "lain.db"
    sqlite3.connect(other).execute("create table x(y)").connection.commit()
    if _dialect(app) == "postgresql":
        with pytest.raises(backup_mod.BackupError, match="tidak bisa dipulihkan"):
            backup_mod.restore(app.config["SQLALCHEMY_DATABASE_URI"], other)
    else:
        with pytest.raises(backup_mod.BackupError, match="tidak bisa dipulihkan"):
            backup_mod.restore("postgresql+psycopg://u@127.0.0.1:1/x", other)
