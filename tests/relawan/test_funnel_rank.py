"""Relawan.funnel_rank: the furthest funnel stage ever reached, kept on every write, and its backfill."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from sqlalchemy import select, update

from auth.models import User
from bench.scale import generate
from extensions import db
from relawan import services
from relawan.models import Relawan, StatusChange, funnel_rank_of

ROOT = Path(__file__).resolve().parents[2]


def _rank(rel_id: int) -> int:
    """funnel_rank as stored (fresh session, nothing cached)."""
    db.session.remove()
    return db.session.scalar(select(Relawan.funnel_rank).where(Relawan.id == rel_id))


def _expected() -> dict[int, int]:
    """max(rank(status), rank(every to_status)), computed in Python from the rows."""
    best = {rid: funnel_rank_of(st) for rid, st in db.session.execute(select(Relawan.id, Relawan.status))}
    for rid, to in db.session.execute(select(StatusChange.relawan_id, StatusChange.to_status)):
        best[rid] = max(best[rid], funnel_rank_of(to))
    return best


def _migration():
    [path] = (ROOT / "migrations" / "versions").glob("*_relawan_funnel_rank.py")
    spec = importlib.util.spec_from_file_location("migration_relawan_funnel_rank", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_change_status_raises_rank_and_a_downgrade_keeps_it(app, make_relawan, make_user):
    rel = make_relawan(status="calon")
    staff = make_user("panitia")
    steps = [("terverifikasi", 1), ("dalam_pelatihan", 2), ("aktif", 3), ("nonaktif", 3),
             ("terverifikasi", 3)]
    with app.app_context():
        assert _rank(rel.id) == 0
        for to, rank in steps:
            r = db.session.get(Relawan, rel.id)
            services.change_status(r, to, db.session.get(User, staff.id), "uji")
            assert r.funnel_rank == rank  # the object agrees with the row it wrote
            db.session.commit()
            assert _rank(rel.id) == rank
        assert _expected()[rel.id] == 3


def test_rejected_after_verification_keeps_rank_1(app, make_relawan):
    rel = make_relawan(status="calon")
    with app.app_context():
        services.approve(db.session.get(Relawan, rel.id), None)
        services.reject(db.session.get(Relawan, rel.id), None, "Berkas tidak lengkap.")
        db.session.commit()
        assert _rank(rel.id) == 1
        assert db.session.get(Relawan, rel.id).status == "ditolak"


def test_status_form_keeps_rank(login_as, make_relawan, app):
    rel = make_relawan(status="aktif")
    c = login_as("admin")
    resp = c.post(f"/relawan/{rel.id}/status", data={"st-to_status": "nonaktif", "st-note": "Pindah kota"})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Relawan, rel.id).status == "nonaktif"
        assert _rank(rel.id) == 3


def test_direct_orm_writes_keep_the_invariant(app, make_relawan):
    """Factories, demo data and future code that set status or add history rows directly."""
    aktif = make_relawan(status="aktif")
    calon = make_relawan(status="calon")
    other = make_relawan(status="calon")
    with app.app_context():
        assert _rank(aktif.id) == 3 and _rank(calon.id) == 0
        for status, rank in (("dalam_pelatihan", 2), ("calon", 2)):  # raised, then never lowered
            db.session.get(Relawan, calon.id).status = status
            db.session.commit()
            assert _rank(calon.id) == rank
        db.session.add(StatusChange(relawan_id=calon.id, from_status="dalam_pelatihan", to_status="aktif"))
        db.session.commit()
        assert _rank(calon.id) == 3
        # a history row for a relawan loaded in the session updates the loaded object too
        r = db.session.get(Relawan, other.id)
        assert r.funnel_rank == 0
        db.session.add(StatusChange(relawan=r, from_status="calon", to_status="terverifikasi"))
        db.session.flush()
        assert r.funnel_rank == 1
        db.session.commit()
        assert _rank(other.id) == 1
        assert _expected() == {calon.id: 3, aktif.id: 3, other.id: 1}


def test_stale_object_does_not_lower_a_rank_raised_elsewhere(app, make_relawan):
    rel = make_relawan(status="terverifikasi")
    with app.app_context():
        r = db.session.get(Relawan, rel.id)
        assert r.funnel_rank == 1
        db.session.execute(update(Relawan).where(Relawan.id == rel.id).values(funnel_rank=3)
                           .execution_options(synchronize_session=False))  # as another request would
        assert r.funnel_rank == 1
        r.status = "dalam_pelatihan"
        db.session.commit()
        assert _rank(rel.id) == 3


def test_backfill_recomputes_rank_from_status_and_history(app, make_relawan):
    a = make_relawan(status="aktif")
    g = make_relawan(status="calon")
    f = make_relawan(status="calon")
    with app.app_context():
        for rid, path in ((g.id, ["terverifikasi", "dalam_pelatihan", "aktif", "nonaktif"]),
                          (f.id, ["terverifikasi", "ditolak"])):
            for to in path:
                services.change_status(db.session.get(Relawan, rid), to, None, "uji")
        db.session.commit()
        generate(relawan=200, events=2, checkins=10, seed=5, log=lambda *_: None)
        kept = dict(db.session.execute(select(Relawan.id, Relawan.funnel_rank)).all())
        expected = _expected()
        assert kept == expected  # services, factories and the scale generator agree with history
        assert (kept[a.id], kept[g.id], kept[f.id]) == (3, 3, 1)
        assert set(kept.values()) == {0, 1, 2, 3}
        db.session.execute(update(Relawan).values(funnel_rank=0))
        _migration().backfill_funnel_rank(db.session.connection())
        db.session.commit()
        db.session.remove()
        assert dict(db.session.execute(select(Relawan.id, Relawan.funnel_rank)).all()) == expected


def test_migration_ranks_match_the_model():
    from relawan.models import FUNNEL_RANK
    assert dict(_migration().RANKS) == {s: r for s, r in FUNNEL_RANK.items() if r}
