"""A small per-process cache for the relawan figures of the dashboard, keyed by a data version.

The version is (number of relawan, latest relawan.updated_at, latest status_change id): every
sign-up, edit, deletion or status change (the relawan service always writes a StatusChange)
moves it, so a cached figure is never older than the data. Reading the version costs two
index lookups and one pass over relawan.updated_at, far less than the aggregates it saves.
"""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Callable

from sqlalchemy import func, select

from extensions import db
from relawan.models import Relawan, StatusChange

MAX_ENTRIES = 64
_store: OrderedDict = OrderedDict()
_lock = Lock()


def relawan_version() -> tuple:
    """The current version of the relawan data (see module docstring)."""
    count, updated = db.session.execute(select(func.count(Relawan.id), func.max(Relawan.updated_at))).one()
    last_change = db.session.scalar(select(func.max(StatusChange.id)))
    return (db.engine.url.render_as_string(hide_password=True), count, str(updated), last_change)


def cached(name: str, key: tuple, version: tuple, compute: Callable):
    """compute() once per (name, key, version); the oldest entries are dropped past MAX_ENTRIES."""
    full = (name, key, version)
    with _lock:
        if full in _store:
            _store.move_to_end(full)
            return _store[full]
    value = compute()
    with _lock:
        _store[full] = value
        while len(_store) > MAX_ENTRIES:
            _store.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _store.clear()
