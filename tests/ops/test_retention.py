"""Retention: `flask audit prune` and `flask privacy anonymise` (issue 6.7, 6.8)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from auth.models import AuditEntry, User
from extensions import db
from relawan.models import Relawan
from timeutil import utcnow


def _age_status(app, relawan_id: int, days: int):
    with app.app_context():
        db.session.get(Relawan, relawan_id).status_changed_at = utcnow() - timedelta(days=days)
        db.session.commit()


def test_privacy_anonymise_dry_run_counts_then_real_run_erases(app, runner, make_relawan):
    old_rejected = make_relawan(status="ditolak", full_name="Siti Lama Ditolak", address="Jl. Rahasia 9")
    old_inactive = make_relawan(status="nonaktif", full_name="Budi Lama Nonaktif")
    recent_rejected = make_relawan(status="ditolak", full_name="Ani Baru Ditolak")
    old_active = make_relawan(status="aktif", full_name="Dewi Aktif Lama")
    for r in (old_rejected, old_inactive, old_active):
        _age_status(app, r.id, 400)
    _age_status(app, recent_rejected.id, 10)

    dry = runner.invoke(args=["privacy", "anonymise", "--dry-run", "--days", "365"])
    assert dry.exit_code == 0, dry.output
    assert "ditolak: 1" in dry.output and "nonaktif: 1" in dry.output and "jumlah: 2" in dry.output
    with app.app_context():
        assert db.session.get(Relawan, old_rejected.id).full_name == "Siti Lama Ditolak"
        assert db.session.get(Relawan, old_rejected.id).anonymized_at is None

    real = runner.invoke(args=["privacy", "anonymise", "--days", "365"])
    assert real.exit_code == 0, real.output
    assert "Dianonimkan: 2" in real.output
    with app.app_context():
        gone = db.session.get(Relawan, old_rejected.id)
        assert gone.anonymized_at is not None and gone.nik is None and gone.address is None
        assert "Siti" not in gone.full_name
        assert gone.status == "ditolak" and gone.kelurahan_kode  # counts per status/kelurahan kept
        user = db.session.get(User, gone.user_id)
        assert user.email is None and user.phone is None and not user.active
        assert db.session.get(Relawan, old_inactive.id).anonymized_at is not None
        assert db.session.get(Relawan, recent_rejected.id).full_name == "Ani Baru Ditolak"
        assert db.session.get(Relawan, old_active.id).full_name == "Dewi Aktif Lama"
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "retention_anonymised")).one()
        assert entry.rows == 2
        assert db.session.scalar(select(func.count()).select_from(Relawan)) == 4

    again = runner.invoke(args=["privacy", "anonymise", "--days", "365"])
    assert "Dianonimkan: 0" in again.output


def test_privacy_anonymise_uses_configured_retention(app, runner, make_relawan):
    r = make_relawan(status="ditolak")
    _age_status(app, r.id, 30)
    old = app.config["RETENTION_DAYS_REJECTED"]
    app.config["RETENTION_DAYS_REJECTED"] = 20
    try:
        out = runner.invoke(args=["privacy", "anonymise", "--dry-run"])
    finally:
        app.config["RETENTION_DAYS_REJECTED"] = old
    assert "lebih dari 20 hari" in out.output and "jumlah: 1" in out.output


def test_audit_prune_dry_run_then_delete_old_entries(app, runner):
    with app.app_context():
        now = utcnow()
        for days in (10, 400, 2000, 3000):
            db.session.add(AuditEntry(action="login", at=now - timedelta(days=days)))
        db.session.commit()

    dry = runner.invoke(args=["audit", "prune", "--days", "365", "--dry-run"])
    assert dry.exit_code == 0 and "(lebih dari 365 hari): 3" in dry.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 4

    done = runner.invoke(args=["audit", "prune", "--days", "365"])
    assert done.exit_code == 0 and "Dihapus: 3" in done.output
    with app.app_context():
        actions = sorted(db.session.scalars(select(AuditEntry.action)))
        assert actions == ["audit_pruned", "login"]


def test_audit_prune_defaults_to_config(app, runner):
    with app.app_context():
        db.session.add(AuditEntry(action="login", at=utcnow() - timedelta(days=app.config["AUDIT_RETENTION_DAYS"] + 1)))
        db.session.add(AuditEntry(action="login", at=utcnow() - timedelta(days=app.config["AUDIT_RETENTION_DAYS"] - 1)))
        db.session.commit()
    out = runner.invoke(args=["audit", "prune"])
    assert "Dihapus: 1" in out.output
