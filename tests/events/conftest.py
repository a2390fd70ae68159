"""Fixtures shared by the events tests: the fake providers (a real SMTP server and a fake
WhatsApp Cloud API, tests/messaging/fakes.py) that the outbox worker delivers to."""
from tests.messaging.conftest import _cloud_api, _smtp_server, cloud_api, smtp_server  # noqa: F401
