"""Online backup and restore of the app's database.

SQLite: the sqlite3 online backup API copies a consistent snapshot while the app keeps serving
(in WAL mode readers never block writers, and one backup step reads inside one read
transaction, so every transaction committed before the step is in the copy and none after it).
PostgreSQL: `pg_dump -Fc` (a consistent snapshot by MVCC) and `pg_restore --clean`.

Backups hold personal data (UU PDP Pasal 35): files are written with mode 0600; keep them on
encrypted storage and delete them on the same schedule as the data they contain.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from helpers.errors import DomainError

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(DomainError):
    """A backup or restore could not be done; the message is for the operator (Indonesian)."""

    code = "backup_failed"
    kind = "invalid"


@dataclass
class BackupResult:
    path: Path
    dialect: str
    size: int


def _sqlite_path(url: str) -> Path:
    u = make_url(url)
    if not u.database or u.database == ":memory:":
        raise BackupError("Basis data SQLite di memori tidak bisa dicadangkan.")
    return Path(u.database)


def _pg_env(url: str) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore from a SQLAlchemy URL; password via env."""
    u = make_url(url)
    args = []
    if u.host:
        args += ["-h", u.host]
    if u.port:
        args += ["-p", str(u.port)]
    if u.username:
        args += ["-U", u.username]
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    sslmode = u.query.get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode if isinstance(sslmode, str) else sslmode[0]
    if not u.database:
        raise BackupError("URL PostgreSQL tanpa nama basis data.")
    return args + ["-d", u.database], env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"Program {name} tidak ditemukan di PATH (pasang paket postgresql-client).")
    return path


def dialect_of(url: str) -> str:
    return make_url(url).get_backend_name()


def backup(url: str, dest: str | os.PathLike) -> BackupResult:
    """Write a consistent copy of the database at `url` to `dest` (atomically, mode 0600)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dialect = dialect_of(url)
    fd, tmp = tempfile.mkstemp(prefix=".backup-", dir=dest.parent)
    os.close(fd)
    os.chmod(tmp, 0o600)
    try:
        if dialect == "sqlite":
            src_path = _sqlite_path(url)
            if not src_path.exists():
                raise BackupError(f"Berkas basis data tidak ada: {src_path}")
            # Read-write open (only reads happen): a read-only open of a WAL database fails when
            # its -shm file does not exist yet.
            src = sqlite3.connect(src_path, timeout=30)
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)  # pages=-1: the whole database in one step, one snapshot
                out.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            finally:
                out.close()
                src.close()
        elif dialect == "postgresql":
            args, env = _pg_env(url)
            proc = subprocess.run([_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", tmp, *args],
                                  env=env, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                raise BackupError(f"pg_dump gagal: {proc.stderr.strip()[:500]}")
        else:
            raise BackupError(f"Jenis basis data tidak didukung: {dialect}")
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return BackupResult(dest, dialect, dest.stat().st_size)


def detect_format(path: str | os.PathLike) -> str:
    """'sqlite' or 'postgresql' from the file's first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError("Berkas ini bukan cadangan yang dikenal (bukan SQLite maupun pg_dump -Fc).")


def integrity_check(path: str | os.PathLike) -> str:
    """PRAGMA integrity_check of a SQLite file: 'ok' when consistent."""
    con = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def restore(url: str, src: str | os.PathLike) -> str:
    """Replace the database at `url` with the backup `src`. Returns the dialect restored.

    The caller disposes the app's connection pool before and after (ops/cli.py does).
    """
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"Berkas cadangan tidak ada: {src}")
    kind = detect_format(src)
    dialect = dialect_of(url)
    if kind != dialect:
        raise BackupError(f"Cadangan {kind} tidak bisa dipulihkan ke basis data {dialect}.")
    if dialect == "sqlite":
        check = integrity_check(src)
        if check != "ok":
            raise BackupError(f"Berkas cadangan rusak (integrity_check: {check}).")
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
        dest = sqlite3.connect(target, timeout=30)
        try:
            source.backup(dest)  # writes through SQLite's locking: safe even if a reader is open
            dest.execute("PRAGMA journal_mode=WAL")
        finally:
            dest.close()
            source.close()
    else:
        args, env = _pg_env(url)
        proc = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                               "--no-privileges", "--single-transaction", *args, str(src)],
                              env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise BackupError(f"pg_restore gagal: {proc.stderr.strip()[:500]}")
    return dialect
