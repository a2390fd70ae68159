"""Run the app in a process of its own, as a second worker or app server would: its own rate
limiter, cache and connection pool. For the tests of state shared through Redis and of Redis
outages (an app made inside the test process would share the one Limiter object with the suite).
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
# The environment decides Redis (config.py); only the test switches are passed as overrides.
SERVER = """
import os
from werkzeug.serving import make_server
from app import create_app
app = create_app({"WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
os.dup2(2, 1)  # anything printed later goes to the log file, never into a full pipe
server.serve_forever()
"""
REDIS_SETTINGS = ("REDIS_URL", "CACHE_REDIS_URL", "RATELIMIT_STORAGE_URI", "TEST_DATABASE_URL")


@contextmanager
def app_processes(database_url: str, logs: list[Path], **env: str) -> Iterator[list[str]]:
    """Serve create_app() on a free port in one new process per log file (started together);
    yields their base URLs."""
    environ = {k: v for k, v in os.environ.items() if k not in REDIS_SETTINGS}
    environ.update(DATABASE_URL=database_url, **env)
    procs = []
    try:
        for path in logs:
            with open(path, "w") as log:
                procs.append(subprocess.Popen([sys.executable, "-c", SERVER], cwd=ROOT, env=environ,
                                              stdout=subprocess.PIPE, stderr=log, text=True))
        ports = [proc.stdout.readline().strip() for proc in procs]
        for port, path in zip(ports, logs, strict=True):
            assert port.isdigit(), path.read_text()[-3000:]
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=20)
            proc.stdout.close()


def logged_in(base_url: str, user, password: str) -> requests.Session:
    """A browser-like session logged in through the real login form."""
    session = requests.Session()
    resp = session.post(f"{base_url}/masuk", data={"identifier": user.email, "password": password},
                        allow_redirects=False, timeout=30)
    assert resp.status_code == 302, resp.text[:500]
    return session
