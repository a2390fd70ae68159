"""Fixtures shared by the events tests: a fake SMTP server that keeps what was sent."""
import smtplib

import pytest


class FakeSMTP:
    sent: list = []  # noqa: RUF012 - shared on purpose: the test reads what was sent

    def __init__(self, host, port, timeout=None):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, msg):
        FakeSMTP.sent.append(msg)


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.contoh.id")
    return FakeSMTP.sent
