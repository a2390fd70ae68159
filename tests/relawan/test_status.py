"""The status workflow service: every allowed transition, every refused one, history and audit."""
import pytest
from sqlalchemy import func, select, update

from auth.models import AuditEntry, User
from extensions import db
from relawan import services
from relawan.models import Relawan, RelawanStatus, StatusChange

S = RelawanStatus
ALLOWED = [(a, b) for a, targets in services.TRANSITIONS.items() for b in targets]
REFUSED = [(a, b) for a in S for b in S if (a, b) not in ALLOWED]


def test_transition_table_matches_issue_2():
    assert set(ALLOWED) == {
        (S.CALON, S.TERVERIFIKASI), (S.CALON, S.DITOLAK),
        (S.TERVERIFIKASI, S.DALAM_PELATIHAN), (S.TERVERIFIKASI, S.DITOLAK), (S.TERVERIFIKASI, S.NONAKTIF),
        (S.DALAM_PELATIHAN, S.AKTIF), (S.DALAM_PELATIHAN, S.NONAKTIF),
        (S.AKTIF, S.NONAKTIF), (S.NONAKTIF, S.TERVERIFIKASI), (S.DITOLAK, S.CALON)}


@pytest.mark.parametrize("from_status,to_status", ALLOWED)
def test_each_allowed_transition_writes_history_and_audit(app, make_relawan, make_user, from_status, to_status):
    rel = make_relawan(status=from_status)
    staff = make_user("panitia")
    with app.app_context():
        r = db.session.get(Relawan, rel.id)
        before = r.status_changed_at
        change = services.change_status(r, to_status, db.session.get(User, staff.id), "catatan uji")
        db.session.commit()
        assert change.id is not None
    with app.app_context():
        r = db.session.get(Relawan, rel.id)
        assert r.status == to_status and r.status_changed_at >= before
        [h] = db.session.scalars(select(StatusChange).where(StatusChange.relawan_id == rel.id)).all()
        assert (h.from_status, h.to_status, h.by_user_id, h.note) == (from_status, to_status, staff.id,
                                                                       "catatan uji")
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "relawan_status")).one()
        assert entry.details == {"from": from_status, "to": to_status}
        assert entry.user_id == staff.id and entry.target_id == str(rel.id)


@pytest.mark.parametrize("from_status,to_status", REFUSED)
def test_each_other_transition_is_refused_and_changes_nothing(app, make_relawan, from_status, to_status):
    rel = make_relawan(status=from_status)
    with app.app_context():
        r = db.session.get(Relawan, rel.id)
        with pytest.raises(services.InvalidTransition) as exc:
            services.change_status(r, to_status, None)
        assert "tidak dapat diubah" in str(exc.value)
        db.session.rollback()
        assert db.session.get(Relawan, rel.id).status == from_status
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 0


def test_unknown_status_is_refused(app, make_relawan):
    rel = make_relawan()
    with app.app_context(), pytest.raises(services.InvalidTransition):
        services.change_status(db.session.get(Relawan, rel.id), "pensiun", None)


def test_full_path_to_aktif_keeps_every_step_in_history(app, make_relawan, make_user):
    """The training module calls change_status for terverifikasi -> dalam_pelatihan -> aktif."""
    rel = make_relawan()
    staff = make_user("admin")
    with app.app_context():
        r, u = db.session.get(Relawan, rel.id), db.session.get(User, staff.id)
        services.approve(r, u)
        services.change_status(r, S.DALAM_PELATIHAN, None, "Terdaftar di pelatihan angkatan 1")
        services.change_status(r, S.AKTIF, None, "Lulus pelatihan")
        db.session.commit()
    with app.app_context():
        rows = db.session.scalars(select(StatusChange).where(StatusChange.relawan_id == rel.id)
                                  .order_by(StatusChange.id)).all()
        assert [(h.from_status, h.to_status) for h in rows] == [
            ("calon", "terverifikasi"), ("terverifikasi", "dalam_pelatihan"), ("dalam_pelatihan", "aktif")]


def test_reject_needs_a_reason(app, make_relawan, make_user):
    rel = make_relawan()
    staff = make_user("panitia")
    with app.app_context():
        r = db.session.get(Relawan, rel.id)
        with pytest.raises(services.RelawanError, match="Alasan penolakan wajib"):
            services.reject(r, db.session.get(User, staff.id), "  ")
        assert r.status == "calon"


def test_approve_only_from_calon(app, make_relawan, make_user):
    rel = make_relawan(status=S.AKTIF)
    with app.app_context(), pytest.raises(services.InvalidTransition):
        services.approve(db.session.get(Relawan, rel.id), None)


def test_bulk_approve_changes_only_calon(app, make_relawan, make_user):
    ids = [make_relawan().id, make_relawan().id, make_relawan(status=S.DITOLAK).id,
           make_relawan(status=S.AKTIF).id]
    with app.app_context():
        rows = db.session.scalars(select(Relawan).where(Relawan.id.in_(ids))).all()
        assert services.bulk_approve(rows, None) == (2, 2)
        db.session.commit()
        statuses = sorted(db.session.scalars(select(Relawan.status)).all())
        assert statuses == ["aktif", "ditolak", "terverifikasi", "terverifikasi"]
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 2


def test_generic_change_to_ditolak_also_needs_a_reason(app, make_relawan):
    rel = make_relawan(status=S.TERVERIFIKASI)
    with app.app_context():
        with pytest.raises(services.RelawanError, match="Alasan penolakan wajib"):
            services.change_status(db.session.get(Relawan, rel.id), S.DITOLAK, None, "")
        db.session.rollback()
        assert db.session.get(Relawan, rel.id).status == S.TERVERIFIKASI


def test_status_changed_meanwhile_by_someone_else_is_refused(app, make_relawan):
    """Compare-and-set: a stale copy (another staff member approved first) cannot change it again."""
    rel = make_relawan()
    with app.app_context():
        stale = db.session.get(Relawan, rel.id)
        assert stale.status == S.CALON
        with db.engine.begin() as other:  # a second connection approves first
            other.execute(update(Relawan).where(Relawan.id == rel.id).values(status=S.TERVERIFIKASI))
        with pytest.raises(services.InvalidTransition, match="baru saja diubah"):
            services.change_status(stale, S.DITOLAK, None, "terlambat")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 0


def test_find_by_card_token(app, make_relawan):
    rel = make_relawan()
    with app.app_context():
        assert services.find_by_card_token(rel.card_token).id == rel.id
        assert services.find_by_card_token("salah") is None
        assert services.find_by_card_token("x" * 500) is None
