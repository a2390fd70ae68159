"""Flask extensions, created once and bound to the app in create_app()."""
from flask import current_app
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from redis.exceptions import RedisError
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations are reproducible on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Dashboard figures (reports/cache.py): Redis shared by every worker when configured
# (config.cache_config), else a cache inside this process.
cache = Cache()
# Response compression (brotli/gzip); settings COMPRESS_* in config.py.
compress = Compress()


def redis_status() -> str:
    """"ok", "degraded" (a configured Redis does not answer) or "not_configured", for /healthz.

    Asks the rate limiter's storage and the cache through their own clients, so the answer is
    about the connections the app really uses.
    """
    checks = []
    if not current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        checks.append(limiter.storage.check)
    if current_app.config["CACHE_TYPE"] == "RedisCache":
        checks.append(_cache_answers)
    if not checks:
        return "not_configured"
    return "ok" if all(check() for check in checks) else "degraded"


def _cache_answers() -> bool:
    try:
        cache.has("healthz")
        return True
    except RedisError:
        return False
