"""Operations CLI (backup, restore, retention). Commands are added by the hardening work."""
from flask import Flask


def register(app: Flask) -> None:
    """No operations commands yet."""
