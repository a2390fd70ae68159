"""Settings from the environment. Nothing secret is hard-coded."""
import os
import secrets
from datetime import timedelta
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else from instance/secret_key (made on first run)."""
    env = os.environ.get("SECRET_KEY")
    if env:
        return env
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with 0600 so other local users cannot read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


class ConfigError(RuntimeError):
    """A setting combination the server must not start with (gunicorn prints it and exits 1)."""


def ratelimit_storage_uri() -> str:
    """Where rate-limit counters live: RATELIMIT_STORAGE_URI, else REDIS_URL, else this process."""
    return (os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL")
            or "memory://")


def check_ratelimit_storage(workers: int) -> None:
    """Refuse per-process (memory://) rate limits with several workers unless explicitly allowed.

    Each worker would count on its own, so N workers allow N times the limit (issue 11.11).
    With RATELIMIT_ENABLED=0 (benchmarks) there is nothing to multiply.
    """
    if (workers > 1 and ratelimit_storage_uri().startswith("memory://")
            and _bool("RATELIMIT_ENABLED", True) and not _bool("ALLOW_MEMORY_RATELIMIT")):
        raise ConfigError(
            f"Batas percobaan (rate limit) disimpan di memori tiap proses, padahal ada {workers} "
            "worker: setiap worker akan menghitung sendiri. Setel REDIS_URL (atau "
            "RATELIMIT_STORAGE_URI=redis://...) agar semua worker berbagi hitungan, jalankan "
            "dengan WEB_CONCURRENCY=1, atau setel ALLOW_MEMORY_RATELIMIT=1 bila memang disengaja.")


def _redis_options(uri: str) -> dict:
    """Short timeouts so an unreachable Redis costs a request at most a second, never a hang."""
    return ({"socket_connect_timeout": 1, "socket_timeout": 1}
            if uri.split(":", 1)[0] in ("redis", "rediss") else {})


def cache_config() -> dict:
    """Flask-Caching: Redis (shared by every worker and server) when CACHE_REDIS_URL or REDIS_URL
    is set, else a cache inside this process (one server)."""
    url = os.environ.get("CACHE_REDIS_URL") or os.environ.get("REDIS_URL")
    if not url:
        return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 64}
    # The prefix keeps cache.clear() to this app's keys in a Redis shared with others.
    return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url, "CACHE_KEY_PREFIX": "p2tp2a:cache:",
            "CACHE_OPTIONS": _redis_options(url)}


def build_config(instance_path: str) -> dict:
    """All settings, read from environment variables with safe defaults."""
    db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'relawan.db'}"
    if db_url.startswith("postgres://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgres://"):]
    elif db_url.startswith("postgresql://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgresql://"):]
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": db_url,
        # Connection health (helpers/dbpool.py): a pooled connection is pinged only after it sat
        # idle DB_PING_AFTER_IDLE seconds, not on every checkout (a round trip per scan).
        # DB_POOL_PRE_PING=1 pings on every checkout. Connections are renewed every 30 minutes
        # so idle ones do not outlive server timeouts.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": _bool("DB_POOL_PRE_PING", False),
                                      "pool_recycle": 1800},
        "DB_PING_AFTER_IDLE": float(os.environ.get("DB_PING_AFTER_IDLE", "10")),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "ORG_NAME": os.environ.get(
            "ORG_NAME",
            "Dinas Pengendalian Penduduk, Keluarga Berencana, Pemberdayaan Perempuan "
            "dan Perlindungan Anak (DP3AKB) Kota Serang"),
        "ORG_UNIT": os.environ.get("ORG_UNIT", "P2TP2A Kota Serang"),
        # First line of the kop surat on PDFs (daftar hadir, certificates); empty: no line.
        "ORG_GOVERNMENT": os.environ.get("ORG_GOVERNMENT", "Pemerintah Kota Serang"),
        # Kop surat lines under the dinas name (docs/deploy.md); an empty one is left out.
        "ORG_ADDRESS": os.environ.get("ORG_ADDRESS", "Kota Serang, Banten"),
        "ORG_PHONE": os.environ.get("ORG_PHONE", ""),
        "ORG_EMAIL": os.environ.get("ORG_EMAIL", ""),
        "CITY_NAME": os.environ.get("CITY_NAME", "Kota Serang"),
        "CITY_SHORT": os.environ.get("CITY_SHORT", "Serang"),
        "DPO_CONTACT": os.environ.get("DPO_CONTACT", "ppid@serangkota.go.id"),
        # Signatories (events/signatories.py): the "Mengetahui" block of the daftar hadir and the
        # certificates (refused while name or NIP is missing); an event may name its own.
        # The older CERT_SIGNATORY_* names are still read.
        "KEPALA_DINAS_TITLE": os.environ.get("KEPALA_DINAS_TITLE") or os.environ.get(
            "CERT_SIGNATORY_TITLE", "Kepala DP3AKB Kota Serang"),
        "KEPALA_DINAS_NAME": os.environ.get("KEPALA_DINAS_NAME") or os.environ.get("CERT_SIGNATORY_NAME", ""),
        "KEPALA_DINAS_NIP": os.environ.get("KEPALA_DINAS_NIP") or os.environ.get("CERT_SIGNATORY_NIP", ""),
        "KETUA_PANITIA_NAME": os.environ.get("KETUA_PANITIA_NAME", ""),
        "KETUA_PANITIA_NIP": os.environ.get("KETUA_PANITIA_NIP", ""),
        # The kop emblem admin uploads (ops/letterhead.py): bytes and decoded pixels at most.
        "EMBLEM_MAX_BYTES": 512 * 1024,
        "EMBLEM_MAX_PIXELS": 4096 * 4096,
        "LATE_GRACE_MINUTES": int(os.environ.get("LATE_GRACE_MINUTES", "15")),
        # Check-in window (events/checkin/window.py) unless an event sets its own: opens this
        # many minutes before the start, closes this many after the end.
        "CHECKIN_OPENS_MINUTES": int(os.environ.get("CHECKIN_OPENS_MINUTES", "120")),
        "CHECKIN_CLOSES_MINUTES": int(os.environ.get("CHECKIN_CLOSES_MINUTES", "120")),
        "RETENTION_DAYS_REJECTED": int(os.environ.get("RETENTION_DAYS_REJECTED", "365")),
        "AUDIT_RETENTION_DAYS": int(os.environ.get("AUDIT_RETENTION_DAYS", "1825")),
        "RATELIMIT_STORAGE_URI": ratelimit_storage_uri(),
        "RATELIMIT_STORAGE_OPTIONS": _redis_options(ratelimit_storage_uri()),
        # A Redis outage must not take login down (issue 11.5): count in this process meanwhile
        # (logged as a warning), and let any other storage error through unthrottled.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        **cache_config(),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "no-reply@p2tp2a.serangkota.go.id"),
        # WhatsApp Business Cloud API (messaging/channels/whatsapp.py); unset: WhatsApp messages
        # are kept in the outbox as not sendable. WHATSAPP_API_BASE points tests/staging elsewhere.
        "WHATSAPP_API_BASE": os.environ.get("WHATSAPP_API_BASE", "https://graph.facebook.com"),
        "WHATSAPP_API_VERSION": os.environ.get("WHATSAPP_API_VERSION", "v21.0"),
        "WHATSAPP_PHONE_NUMBER_ID": os.environ.get("WHATSAPP_PHONE_NUMBER_ID", ""),
        "WHATSAPP_TOKEN": os.environ.get("WHATSAPP_TOKEN", ""),
        "WHATSAPP_APP_SECRET": os.environ.get("WHATSAPP_APP_SECRET", ""),
        "WHATSAPP_VERIFY_TOKEN": os.environ.get("WHATSAPP_VERIFY_TOKEN", ""),
        # 1: send approved template messages (messaging/texts.py wa_name) instead of free text.
        "WHATSAPP_TEMPLATES": _bool("WHATSAPP_TEMPLATES", False),
        # The outbox worker (messaging/worker.py): attempts, first retry delay (doubling), lease.
        "OUTBOX_MAX_ATTEMPTS": int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "5")),
        "OUTBOX_RETRY_SECONDS": int(os.environ.get("OUTBOX_RETRY_SECONDS", "60")),
        "OUTBOX_LEASE_SECONDS": int(os.environ.get("OUTBOX_LEASE_SECONDS", "300")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        # "Ingat saya" and the longest any login lives (auth/sessions.py), in days.
        "REMEMBER_COOKIE_DURATION": timedelta(days=float(os.environ.get("REMEMBER_COOKIE_DURATION", "30"))),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME", "http"),
        "BEHIND_PROXY": _bool("BEHIND_PROXY", False),
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "CONSENT_VERSION": "2026-11-v1",
        # Flask-Compress (app.register_extensions): brotli or gzip for pages, CSS, JS, JSON, also
        # for static files (streamed). Answers under 1 KB, like the check-in API's JSON, stay as
        # they are: compressing them costs time and saves nothing.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 1024,
    }
