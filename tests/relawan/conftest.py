"""Relawan test fixtures."""
import pytest

from extensions import limiter


@pytest.fixture(autouse=True)
def _limiter_off():
    """A test that builds its own rate-limited app flips the shared Limiter on for every app;
    switch it off again so counts from other tests never turn into 429s here."""
    limiter.enabled = False
    yield
    limiter.enabled = False
