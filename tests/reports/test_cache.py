"""The dashboard cache's relawan version: it must move on every sign-up, deletion and status change."""
from __future__ import annotations

from extensions import db
from relawan import services
from relawan.models import Relawan
from reports import cache


def test_relawan_version_moves_on_insert_delete_and_status_change(app, make_relawan):
    first, second = make_relawan(), make_relawan()
    with app.app_context():
        v0 = cache.relawan_version()
        assert cache.relawan_version() == v0  # stable while nothing changes
        assert v0[1:3] == (2, second.id)
    third = make_relawan()
    with app.app_context():
        v1 = cache.relawan_version()
        assert v1 != v0 and v1[1:3] == (3, third.id)
        db.session.delete(db.session.get(Relawan, first.id))  # not the newest: only the count moves
        db.session.commit()
        v2 = cache.relawan_version()
        assert v2 != v1 and v2[1:4] == (2, third.id, v1[3])
        change = services.change_status(db.session.get(Relawan, second.id), "terverifikasi", None)
        db.session.commit()
        v3 = cache.relawan_version()
        assert v3 != v2 and v3[4] == change.id
        assert db.session.get(Relawan, second.id).status == "terverifikasi"
