"""Fixtures for the messaging tests: the fake providers, wired into the app's settings."""
from __future__ import annotations

import pytest

from tests.messaging.fakes import FakeCloudAPI, FakeSMTPServer

PHONE_NUMBER_ID = "109876543210"
TOKEN = "test-token-wa"


@pytest.fixture(scope="session")
def _smtp_server():
    server = FakeSMTPServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _cloud_api():
    server = FakeCloudAPI().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server(app, monkeypatch, _smtp_server):
    """The fake SMTP server, configured as MAIL_SERVER (no TLS, no login)."""
    _smtp_server.reset()
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": _smtp_server.port,
                       "MAIL_USE_TLS": False, "MAIL_USERNAME": "",
                       "MAIL_FROM": "no-reply@p2tp2a.test"}.items():
        monkeypatch.setitem(app.config, key, value)
    yield _smtp_server
    _smtp_server.reset()


@pytest.fixture
def cloud_api(app, monkeypatch, _cloud_api):
    """The fake Cloud API, configured as the WhatsApp provider."""
    _cloud_api.reset()
    for key, value in {"WHATSAPP_API_BASE": _cloud_api.url, "WHATSAPP_API_VERSION": "v21.0",
                       "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
                       "WHATSAPP_TOKEN": TOKEN}.items():
        monkeypatch.setitem(app.config, key, value)
    yield _cloud_api
    _cloud_api.reset()
