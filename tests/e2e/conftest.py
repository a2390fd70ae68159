"""Browser tests: Debian's Chromium driven by Playwright, with a fake camera (shared/E2E.md).

When Chromium or Playwright is missing, the browser tests skip and the run ends with one plain
line saying so (`make test` shows it).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


def find_chromium() -> str | None:
    """Debian's Chromium; E2E_CHROMIUM=/path overrides (a missing path means: skip)."""
    override = os.environ.get("E2E_CHROMIUM")
    if override:
        return override if os.path.exists(override) else None
    for path in CHROMIUM_CANDIDATES:
        if os.path.exists(path):
            return path
    return shutil.which("chromium")


def _missing() -> str | None:
    if find_chromium() is None:
        return "Chromium not found (apt-get install chromium; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright not installed (pip install -r requirements-dev.txt)"
    return None


E2E_SKIP_REASON = _missing()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of Debian's Chromium, or skip the browser test with the reason."""
    if E2E_SKIP_REASON:
        pytest.skip(f"e2e browser test skipped: {E2E_SKIP_REASON}")
    return find_chromium()


def pytest_terminal_summary(terminalreporter):
    if E2E_SKIP_REASON:
        terminalreporter.write_line(f"E2E SKIPPED: browser tests in tests/e2e did not run: "
                                    f"{E2E_SKIP_REASON}.", yellow=True, bold=True)


@contextmanager
def live_app(prefix: str, **config):
    """The real app on a random 127.0.0.1 port with CSRF on and its own temp SQLite database:
    yields (app, base URL). `config` adds or overrides settings (e.g. fake providers)."""
    from app import create_app
    from extensions import db

    tmp = tempfile.mkdtemp(prefix=prefix)
    server = make_server("127.0.0.1", 0, None, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/e2e.db", "TESTING": False,
                      "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False, "BASE_URL": base,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", **config})
    with app.app_context():
        db.create_all()
    server.app = app
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield app, base
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()
