"""A small per-process cache for dashboard figures, keyed by a data version, with a TTL.

Relawan version: (number of relawan, highest id, newest created_at, highest status_change id), from
indexes. Every sign-up, deletion or status change (the relawan service always writes a
StatusChange) moves it at once; an edit that changes no status (e.g. a new kelurahan) shows
within TTL seconds. Stats version: the last check-in id seen and the latest recompute time of
report_event_stat, which move whenever reports.stats.refresh() recomputed anything.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from sqlalchemy import func, select

from extensions import db
from relawan.models import Relawan, StatusChange

MAX_ENTRIES = 64
TTL = 60.0  # seconds
_store: OrderedDict = OrderedDict()
_lock = Lock()


def relawan_version() -> tuple:
    """The current version of the relawan data (see module docstring).

    One statement of four scalar subqueries, so each takes its own shortcut (count(*) over the
    smallest index on SQLite, max() from the end of an index); a single SELECT with the three
    relawan aggregates together made both databases read every row instead.
    """
    count, top, newest, last_change = db.session.execute(select(
        select(func.count()).select_from(Relawan).scalar_subquery(),
        select(func.max(Relawan.id)).scalar_subquery(),
        select(func.max(Relawan.created_at)).scalar_subquery(),
        select(func.max(StatusChange.id)).scalar_subquery())).one()
    return (db.engine.url.render_as_string(hide_password=True), count, top, str(newest), last_change)


def stats_version() -> tuple:
    """The current version of report_event_stat (see module docstring)."""
    from reports.models import EventStatRefresh, ReportState
    state = db.session.scalar(select(ReportState.value))
    latest = db.session.scalar(select(func.max(EventStatRefresh.computed_at)))
    return (db.engine.url.render_as_string(hide_password=True), state, str(latest))


def cached(name: str, key: tuple, version: tuple, compute: Callable):
    """compute() once per (name, key, version) and at most every TTL seconds."""
    full = (name, key, version)
    now = time.monotonic()
    with _lock:
        hit = _store.get(full)
        if hit is not None and now - hit[0] < TTL:
            _store.move_to_end(full)
            return hit[1]
    value = compute()
    with _lock:
        _store[full] = (now, value)
        while len(_store) > MAX_ENTRIES:
            _store.popitem(last=False)
    return value


def clear() -> None:
    """Forget everything (after a change the versions do not see, e.g. an izin)."""
    with _lock:
        _store.clear()
