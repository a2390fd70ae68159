"""Relawan pages (sign-up, screening, self-service)."""
from relawan import bp  # noqa: F401
