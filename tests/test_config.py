"""Settings: generated SECRET_KEY in the instance folder, DATABASE_URL switching, Redis and the
rate-limit storage rule for several workers."""
import os
import runpy
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest

from config import ConfigError, build_config, check_ratelimit_storage, load_secret_key


def test_secret_key_generated_once_with_private_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_secret_key(str(tmp_path))
    assert len(first) == 64
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600
    assert load_secret_key(str(tmp_path)) == first  # stable across restarts


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "dari-lingkungan")
    assert load_secret_key(str(tmp_path)) == "dari-lingkungan"
    assert not (tmp_path / "secret_key").exists()


def test_database_url_defaults_to_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    cfg = build_config(str(tmp_path))
    assert cfg["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'relawan.db'}"


def test_postgres_urls_use_psycopg3(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert build_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert build_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def _clear_redis_env(monkeypatch):
    for name in ("REDIS_URL", "CACHE_REDIS_URL", "RATELIMIT_STORAGE_URI", "ALLOW_MEMORY_RATELIMIT",
                 "RATELIMIT_ENABLED"):
        monkeypatch.delenv(name, raising=False)


def test_memory_rate_limits_with_several_workers_refuse_to_start(monkeypatch):
    _clear_redis_env(monkeypatch)
    with pytest.raises(ConfigError, match="REDIS_URL") as err:
        check_ratelimit_storage(workers=2)
    assert "ALLOW_MEMORY_RATELIMIT=1" in str(err.value) and "2 worker" in str(err.value)
    check_ratelimit_storage(workers=1)  # one worker counts everything itself
    monkeypatch.setenv("RATELIMIT_ENABLED", "0")
    check_ratelimit_storage(workers=4)  # no limits at all (benchmarks): nothing multiplies
    monkeypatch.setenv("RATELIMIT_ENABLED", "1")
    monkeypatch.setenv("ALLOW_MEMORY_RATELIMIT", "1")
    check_ratelimit_storage(workers=4)  # explicitly allowed


def test_redis_url_becomes_the_rate_limit_storage_and_the_cache(tmp_path, monkeypatch):
    _clear_redis_env(monkeypatch)
    cfg = build_config(str(tmp_path))
    assert cfg["RATELIMIT_STORAGE_URI"] == "memory://" and cfg["CACHE_TYPE"] == "SimpleCache"
    monkeypatch.setenv("REDIS_URL", "redis://redis.internal:6379/2")
    check_ratelimit_storage(workers=3)  # shared counters: any number of workers
    cfg = build_config(str(tmp_path))
    assert cfg["RATELIMIT_STORAGE_URI"] == "redis://redis.internal:6379/2"
    assert cfg["CACHE_TYPE"] == "RedisCache" and cfg["CACHE_REDIS_URL"] == "redis://redis.internal:6379/2"
    assert cfg["RATELIMIT_STORAGE_OPTIONS"]["socket_connect_timeout"] == 1
    assert cfg["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] and cfg["RATELIMIT_SWALLOW_ERRORS"]
    monkeypatch.setenv("CACHE_REDIS_URL", "redis://cache.internal:6379/0")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    cfg = build_config(str(tmp_path))
    assert cfg["CACHE_REDIS_URL"] == "redis://cache.internal:6379/0"
    assert cfg["RATELIMIT_STORAGE_URI"] == "memory://"  # an explicit choice wins
    with pytest.raises(ConfigError):
        check_ratelimit_storage(workers=2)


def test_gunicorn_refuses_to_start_with_memory_rate_limits_and_two_workers(monkeypatch):
    _clear_redis_env(monkeypatch)
    monkeypatch.setenv("LOG_APP_ACCESS", "x")  # gunicorn.conf.py sets it: restored after the test
    monkeypatch.delenv("LOG_APP_ACCESS")
    conf = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))
    server = SimpleNamespace(cfg=SimpleNamespace(workers=2))
    with pytest.raises(ConfigError):
        conf["on_starting"](server)
    server.cfg.workers = 1
    conf["on_starting"](server)
