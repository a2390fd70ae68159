"""Events CLI (training recompute, demo data)."""
from flask import Flask


def register(app: Flask) -> None:
    """No events commands yet."""
