"""gunicorn settings for `make serve` and the systemd unit (docs/deploy.md).

Everything can be overridden from the environment, so one file serves a laptop, one server, or
several app servers behind a load balancer:

  GUNICORN_BIND      address to listen on (default 127.0.0.1:8000; nginx proxies to it)
  WEB_CONCURRENCY    worker processes (default 2 x CPU cores + 1, at most GUNICORN_MAX_WORKERS)
  GUNICORN_MAX_WORKERS  cap for the default (8): each worker holds its own DB connection pool
  GUNICORN_WORKER_CLASS  sync (default) or gthread
  GUNICORN_THREADS   threads per worker (default 1; more means gthread)
  GUNICORN_MAX_REQUESTS  recycle a worker after about this many requests (default 5000; 0: never)
  GUNICORN_KEEPALIVE seconds a gthread worker keeps an idle connection (default 5)
  GUNICORN_TIMEOUT   seconds before a stuck worker is killed and replaced (default 30)
  GUNICORN_ACCESSLOG "-" for stderr (default; journald keeps it), a file path, or "off"

The access log is one JSON line per request with the X-Request-ID the app puts on every
response, so it joins with the application's own JSON log lines (helpers/logging.py).
"""
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
_max_workers = _int("GUNICORN_MAX_WORKERS", 8)
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, _max_workers))
# sync workers, one request at a time per process (bench/README.md has the measurements): on 2
# cores the app is CPU-bound, so threads only add GIL contention (gthread x4 was not faster), and
# sync is the worker class whose recycling (max_requests) and reload (HUP) answer every request:
# a retiring gthread worker closes its kept-alive and accepted-but-unread connections without an
# answer, also with keepalive 0 (tests/ops/test_gunicorn_conf.py sends scans through recycles).
# nginx in front (docs/deploy.md) buffers slow phones, so a sync worker never waits on a client.
# GUNICORN_THREADS > 1 makes gunicorn switch to gthread whatever GUNICORN_WORKER_CLASS says.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
keepalive = _int("GUNICORN_KEEPALIVE", 5)  # gthread only: sync closes after each answer
# Recycle workers now and then so a slow leak cannot grow for weeks; jitter avoids all at once.
# GUNICORN_MAX_REQUESTS=0 turns recycling off.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# Workers import the app themselves: each opens its own database connections after the fork.
preload_app = False
# nginx on the same host (or the load balancer's address) may set X-Forwarded-*; the app's
# ProxyFix (BEHIND_PROXY=1) reads them. Only trust the proxy's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

_access = os.environ.get("GUNICORN_ACCESSLOG", "-")
accesslog = None if _access == "off" else _access
errorlog = "-"
# The app writes its own JSON access line (with user id) only when gunicorn's is off, so each
# request is logged once.
os.environ.setdefault("LOG_APP_ACCESS", "0" if accesslog else "1")
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# JSON line per request. %({x-request-id}o)s is the response header set by helpers/security.py.
access_log_format = (
    '{"ts": "%(t)s", "logger": "gunicorn.access", "request_id": "%({x-request-id}o)s", '
    '"remote_addr": "%(h)s", "forwarded_for": "%({x-forwarded-for}i)s", "method": "%(m)s", '
    '"path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, '
    '"user_agent": "%(a)s"}'
)
# gunicorn's own messages (start, worker boot/timeout) as JSON lines too; the access lines are
# already JSON (above), so they pass through as they are.
_access_handler = ({"class": "logging.StreamHandler", "formatter": "raw", "stream": "ext://sys.stderr"}
                   if _access in ("-", "off") else
                   {"class": "logging.FileHandler", "formatter": "raw", "filename": _access})
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "helpers.logging.JsonFormatter"},
        "raw": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        "access": _access_handler,
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False},
        # Flask-Migrate imports Alembic in every worker, and Alembic logs "Setup plugin ..." at
        # INFO each time: noise at every worker start and recycle.
        "alembic": {"level": "WARNING"},
        # With a logconfig gunicorn always emits access lines: "off" mutes them by level.
        "gunicorn.access": {"level": "CRITICAL" if accesslog is None else "INFO",
                            "handlers": ["access"], "propagate": False},
    },
} if os.environ.get("LOG_FORMAT", "json").lower() == "json" else {}
# Shorter than the default: process title shows in `ps` and systemd's status.
proc_name = "p2tp2a-relawan"


def when_ready(server):
    server.log.info("gunicorn siap: %s worker(s) x %s thread(s) di %s", workers, threads, ", ".join(bind))


def on_starting(server):
    # Refuse per-process rate limits with several workers (config.check_ratelimit_storage).
    from config import check_ratelimit_storage

    check_ratelimit_storage(server.cfg.workers)
