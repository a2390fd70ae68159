"""gunicorn.conf.py (issue 6.4): workers from the CPU count, env overrides, JSON access log."""
from __future__ import annotations

import json
import multiprocessing
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def _load(monkeypatch, **env):
    for key in ("WEB_CONCURRENCY", "GUNICORN_BIND", "GUNICORN_THREADS", "GUNICORN_MAX_WORKERS",
                "GUNICORN_ACCESSLOG", "LOG_FORMAT", "LOG_APP_ACCESS"):
        monkeypatch.setenv(key, "x")  # records the original value, restored after the test
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(CONF))


def test_workers_default_to_twice_the_cores_plus_one_capped(monkeypatch):
    conf = _load(monkeypatch)
    assert conf["workers"] == min(2 * multiprocessing.cpu_count() + 1, 8)
    assert conf["worker_class"] == "gthread" and conf["threads"] == 4
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
