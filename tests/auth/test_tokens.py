"""API tokens: `flask tokens create|list|revoke`, stored hashed, shown once."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from auth.models import ApiToken, AuditEntry
from extensions import db


def test_cli_create_prints_token_once_and_stores_only_its_hash(app, runner, make_user):
    user = make_user("panitia", email="pintu@contoh.id")
    result = runner.invoke(args=["tokens", "create", "--user", "pintu@contoh.id", "--name", "HP pintu 1"])
    assert result.exit_code == 0, result.output
    plain = result.output.strip().splitlines()[-1]
    assert plain.startswith("p2t_") and len(plain) > 40
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.user_id == user.id and row.name == "HP pintu 1"
        assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest()
        assert plain not in (row.prefix + row.token_hash)
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "api_token_create"))
    listing = runner.invoke(args=["tokens", "list"])
    assert "HP pintu 1" in listing.output and plain not in listing.output and "aktif" in listing.output


def test_cli_revoke_and_errors(app, runner, make_user):
    make_user("panitia", email="pintu2@contoh.id")
    runner.invoke(args=["tokens", "create", "--user", "pintu2@contoh.id", "--name", "HP 2"])
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    result = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert result.exit_code == 0 and "dicabut" in result.output
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is not None
    assert "dicabut" in runner.invoke(args=["tokens", "list"]).output
    assert runner.invoke(args=["tokens", "revoke", "9999"]).exit_code != 0
    bad = runner.invoke(args=["tokens", "create", "--user", "tidak@ada.id", "--name", "X"])
    assert bad.exit_code != 0 and "tidak ditemukan" in bad.output
    empty = runner.invoke(args=["tokens", "create", "--user", "pintu2@contoh.id", "--name", " "])
    assert empty.exit_code != 0
