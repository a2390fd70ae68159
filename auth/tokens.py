"""API tokens for scanner devices (CLI and pages are added with the check-in API)."""
from flask import Flask


def register(app: Flask) -> None:
    """No token commands yet."""
