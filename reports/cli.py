"""Reports CLI."""
from flask import Flask


def register(app: Flask) -> None:
    """No reports commands yet."""
