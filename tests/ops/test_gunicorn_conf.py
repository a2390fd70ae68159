"""gunicorn.conf.py (issue 6.4, 10.3): workers from the CPU count, env overrides, JSON access log,
and recycling/reload that answer every request (a real gunicorn started as `make serve` does)."""
from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "gunicorn.conf.py"


def _load(monkeypatch, **env):
    for key in ("WEB_CONCURRENCY", "GUNICORN_BIND", "GUNICORN_THREADS", "GUNICORN_MAX_WORKERS",
                "GUNICORN_WORKER_CLASS", "GUNICORN_MAX_REQUESTS", "GUNICORN_KEEPALIVE",
                "GUNICORN_ACCESSLOG", "LOG_FORMAT", "LOG_APP_ACCESS"):
        monkeypatch.setenv(key, "x")  # records the original value, restored after the test
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(CONF))


def test_workers_default_to_twice_the_cores_plus_one_capped(monkeypatch):
    conf = _load(monkeypatch)
    assert conf["workers"] == min(2 * multiprocessing.cpu_count() + 1, 8)
    assert conf["worker_class"] == "sync" and conf["threads"] == 1
    assert conf["max_requests"] == 5000 and conf["logconfig_dict"]["loggers"]["alembic"]["level"] == "WARNING"
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert _load(monkeypatch, GUNICORN_MAX_WORKERS="2")["workers"] == 2


def test_environment_overrides(monkeypatch):
    conf = _load(monkeypatch, WEB_CONCURRENCY="3", GUNICORN_BIND="0.0.0.0:9000,unix:/run/p2.sock",
                 GUNICORN_THREADS="8")
    assert conf["workers"] == 3 and conf["threads"] == 8
    assert conf["bind"] == ["0.0.0.0:9000", "unix:/run/p2.sock"]


def test_access_log_line_is_json_with_request_id(monkeypatch):
    conf = _load(monkeypatch)
    atoms = {"t": "[28/Nov/2026:03:40:18 +0000]", "{x-request-id}o": "abc123", "h": "127.0.0.1",
             "{x-forwarded-for}i": "-", "m": "GET", "U": "/healthz", "s": "200", "B": "55", "M": "12",
             "a": 'curl/8 \\"quoted\\"'}
    line = json.loads(conf["access_log_format"] % atoms)
    assert line["request_id"] == "abc123" and line["status"] == 200 and line["duration_ms"] == 12
    assert conf["logconfig_dict"]["formatters"]["json"]["()"] == "helpers.logging.JsonFormatter"


def test_access_log_off_mutes_gunicorn_and_turns_on_the_apps_line(monkeypatch):
    conf = _load(monkeypatch, GUNICORN_ACCESSLOG="off")
    assert conf["accesslog"] is None
    assert conf["logconfig_dict"]["loggers"]["gunicorn.access"]["level"] == "CRITICAL"
    import os
    assert os.environ["LOG_APP_ACCESS"] == "1"


def _start(tmp_path, port: int, **env):
    """`gunicorn -c gunicorn.conf.py "app:create_app()"` as `make serve` runs it."""
    log = open(tmp_path / "gunicorn.log", "ab")  # noqa: SIM115 - closed by the caller's stop
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py",
                             "app:create_app()"], cwd=ROOT, stdout=log, stderr=log,
                            start_new_session=True,
                            env={**{k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"},
                                 "GUNICORN_BIND": f"127.0.0.1:{port}", "RATELIMIT_ENABLED": "0",
                                 "SECRET_KEY": "recycle-test-secret", **env})
    deadline = time.time() + 120  # a busy machine takes a while to import the app
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text()[-2000:])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                    reason="runs once, in the SQLite pass of the suite (the server, not the database, is tested)")
def test_worker_recycling_and_reload_answer_every_scan(tmp_path):
    """Workers recycled every ~25 requests (GUNICORN_MAX_REQUESTS) and all of them reloaded once
    (SIGHUP) while 8 door phones scan over kept-alive connections: every request gets an answer,
    none sees a closed or reset connection, and each ticket is checked in once."""
    url = f"sqlite:///{tmp_path / 'recycle.db'}"
    setup = subprocess.run(
        [sys.executable, "-c", "import json, sys; sys.path.insert(0, 'bench'); import crash; "
                               f"print(json.dumps(crash.setup_database({url!r}, 320)))"],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=True)
    event_id, bearer, tickets = json.loads(setup.stdout.strip().splitlines()[-1])
    port = _free_port()
    proc = _start(tmp_path, port, DATABASE_URL=url, WEB_CONCURRENCY="2",
                  GUNICORN_MAX_REQUESTS="25", GUNICORN_ACCESSLOG="off")
    answers, failures, lock = [], [], threading.Lock()

    def door(mine):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for token in mine:
            body = json.dumps({"code": token, "scan_id": str(uuid.uuid4())})
            try:
                conn.request("POST", f"/api/v1/events/{event_id}/checkins", body=body,
                             headers={"Authorization": f"Bearer {bearer}",
                                      "Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                with lock:
                    answers.append(resp.status)
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()  # the server said so: a new connection for the next scan
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    failures.append(repr(exc))
                conn.close()
        conn.close()

    phones = [threading.Thread(target=door, args=(tickets[k::8],)) for k in range(8)]
    try:
        for phone in phones:
            phone.start()
        while len(answers) < 120 and any(p.is_alive() for p in phones):
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGHUP)  # a reload (deploy): every worker replaced gracefully
        for phone in phones:
            phone.join(120)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(60)
    log = (tmp_path / "gunicorn.log").read_text()
    assert failures == [], (len(failures), failures[:3], log[-3000:])
    assert sorted(set(answers)) == [201] and len(answers) == len(tickets)
    assert log.count("Autorestarting worker") >= 5  # the recycling really happened
    assert "Setup plugin" not in log and "setup plugin" not in log  # Alembic's start-up noise
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(DISTINCT registration_id), COUNT(*) FROM check_in")
                            ).one() == (len(tickets), len(tickets))
    engine.dispose()
