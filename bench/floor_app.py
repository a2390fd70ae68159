"""The floor for bench/checkin.py: a minimal Flask app doing one unique-constrained INSERT per
request on the same database, with the same gunicorn settings. Not part of the product.

POST /scan {"scan_id": "<uuid>"} -> 201 {"result": "ok"} or 200 {"result": "duplicate"}.
"""
from __future__ import annotations

import os
import sqlite3
import threading

from flask import Flask, jsonify, request

URL = os.environ["FLOOR_DATABASE_URL"]  # sqlite:///path or postgresql+psycopg://...
app = Flask(__name__)
_local = threading.local()  # one connection per thread (gthread workers run several)


def _connect():
    conn = getattr(_local, "conn", None)
    if conn is None:
        if URL.startswith("sqlite:///"):
            conn = sqlite3.connect(URL[len("sqlite:///"):], timeout=15, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        else:
            import psycopg
            conn = psycopg.connect(URL.replace("postgresql+psycopg://", "postgresql://"),
                                   autocommit=True)
        _local.conn = conn
    return conn


def init_schema() -> None:
    conn = _connect()
    conn.execute("CREATE TABLE IF NOT EXISTS floor_scan (id INTEGER PRIMARY KEY "
                 + ("AUTOINCREMENT" if URL.startswith("sqlite") else "GENERATED ALWAYS AS IDENTITY")
                 + ", scan_id VARCHAR(36) NOT NULL UNIQUE)")


@app.post("/scan")
def scan():
    scan_id = (request.get_json(silent=True) or {}).get("scan_id")
    conn = _connect()
    try:
        conn.execute("INSERT INTO floor_scan (scan_id) VALUES (%s)" if not URL.startswith("sqlite")
                     else "INSERT INTO floor_scan (scan_id) VALUES (?)", (scan_id,))
    except (sqlite3.IntegrityError, Exception) as exc:
        if "unique" not in str(exc).lower() and "duplicate" not in str(exc).lower():
            raise
        return jsonify({"result": "duplicate"}), 200
    return jsonify({"result": "ok"}), 201


@app.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


if os.environ.get("FLOOR_INIT") == "1":
    init_schema()
