"""Driver-level statements for the scan hot path (SQLite's sqlite3 and PostgreSQL's psycopg).

A scan runs four statements. Through `db.session.execute(text(...))` each one costs about
0.2 ms of SQLAlchemy bookkeeping (ORM execute state, compiled-cache lookup, CursorResult set-up)
against 0.02 ms for the driver call itself, so the hot path sends its statements straight to
the DBAPI connection of the session's current transaction (`db.session.connection()`): they
are part of the request's unit of work and are committed or rolled back with it.

Values still go through SQLAlchemy's own type processors for the dialect (DateTime as SQLite
stores it, JSON, Boolean), so rows written here are the rows the ORM writes. A driver error
comes back as the SQLAlchemy exception (`IntegrityError` for a unique violation) the callers
already handle. Any other driver falls back to the same statement through `text()`.
"""
from __future__ import annotations

import re
from collections import namedtuple

from flask import g
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from extensions import db

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
RAW_DRIVERS = _RAW_DRIVERS = {"pysqlite", "psycopg"}


def _connection():
    """The session's connection for its current transaction, looked up once per transaction:
    the Session closes that Connection when the transaction ends (commit, rollback), so a
    closed one in `g` means "ask the session again"."""
    conn = g.get("_checkin_conn")
    if conn is None or conn.closed:
        conn = g._checkin_conn = db.session.connection()
    return conn


class Statement:
    """One SQL statement with `:name` parameters, typed binds and typed result columns."""

    def __init__(self, sql: str, binds: dict | None = None, columns: dict | None = None):
        self.sql = sql
        # name -> SQLAlchemy type of a parameter / of a result column
        self.binds = {k: t() if isinstance(t, type) else t for k, t in (binds or {}).items()}
        self.columns = {k: t() if isinstance(t, type) else t for k, t in (columns or {}).items()}
        self._prepared: dict = {}
        clause = text(sql)
        if self.binds:
            from sqlalchemy import bindparam
            clause = clause.bindparams(*(bindparam(k, type_=t) for k, t in self.binds.items()))
        self._text = clause.columns(**self.columns) if self.columns else clause

    def _prepare(self, dialect):
        key = (dialect.name, dialect.driver)
        prepared = self._prepared.get(key)
        if prepared is None:
            sql = self.sql if dialect.driver == "pysqlite" else _NAMED.sub(r"%(\1)s", self.sql)
            binds = {k: p for k, t in self.binds.items()
                     if (p := t.dialect_impl(dialect).bind_processor(dialect)) is not None}
            results = {k: p for k, t in self.columns.items()
                       if (p := t.dialect_impl(dialect).result_processor(dialect, None)) is not None}
            prepared = self._prepared[key] = (sql, binds, results, {})
        return prepared

    def execute(self, params: dict):
        """Run on the session's connection; returns the rows (attribute access) of a statement
        declared with `columns`, else []."""
        conn = _connection()
        dialect = conn.dialect
        if dialect.driver not in _RAW_DRIVERS:
            return list(conn.execute(self._text, params))
        def lost(err):  # as Connection does on a disconnect: the whole pool, then this one
            conn.engine.pool._invalidate(conn.connection, err)
            conn.invalidate(err)
        return self._run(conn.connection.dbapi_connection, dialect, params, lost)

    def execute_on(self, pooled, dialect, params: dict):
        """Run on a pooled DBAPI connection (`engine.raw_connection()`) outside the Session:
        events/checkin/lean.py's own transaction. Only for the raw drivers."""
        from extensions import db

        def lost(err):  # every pooled connection of the dead server's generation is renewed
            db.engine.pool._invalidate(pooled, err)  # also invalidates and checks in `pooled`
        return self._run(pooled.dbapi_connection, dialect, params, lost)

    def first_on(self, pooled, dialect, params: dict):
        rows = self.execute_on(pooled, dialect, params)
        return rows[0] if rows else None

    def _run(self, dbapi_connection, dialect, params: dict, invalidate):
        sql, binds, results, row_types = self._prepare(dialect)
        if binds:
            params = {k: (binds[k](v) if k in binds and v is not None else v) for k, v in params.items()}
        cursor = dbapi_connection.cursor()
        try:
            try:
                cursor.execute(sql, params)
            except dialect.dbapi.Error as err:
                # As Connection.execute would: after a lost server connection the pool renews
                # every connection made before it (SQLAlchemy's pool._invalidate), not only
                # this one, so one database restart costs one failed request, not one per
                # pooled connection.
                lost = dialect.is_disconnect(err, dbapi_connection, cursor)
                if lost:
                    invalidate(err)
                raise sa_exc.DBAPIError.instance(sql, params, err, dialect.dbapi.Error,
                                                 connection_invalidated=lost,
                                                 dialect=dialect) from err
            if not self.columns:
                return []
            shape = row_types.get("shape")
            if shape is None:  # the column list of a statement never changes: read it once
                names = tuple(d[0] for d in cursor.description)
                shape = row_types["shape"] = (namedtuple("Row", names),
                                              [results.get(n) for n in names])
            row_type, processors = shape
            rows = []
            for raw in cursor.fetchall():
                rows.append(row_type(*(p(v) if p is not None and v is not None else v
                                       for p, v in zip(processors, raw))))
            return rows
        finally:
            cursor.close()

    def first(self, params: dict):
        rows = self.execute(params)
        return rows[0] if rows else None
