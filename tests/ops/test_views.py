"""Admin privacy pages: overview, consent versions, record of processing (issue 6.8)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from extensions import db
from ops import processing
from relawan.models import Relawan
from timeutil import utcnow

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/admin/privasi/", "/admin/privasi/persetujuan", "/admin/privasi/catatan-pemrosesan"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role,status", [("panitia", 403), ("koordinator", 403), ("relawan", 403)])
def test_privacy_pages_are_admin_only(login_as, path, role, status):
    assert login_as(role).get(path).status_code == status


@pytest.mark.parametrize("path", PAGES)
def test_privacy_pages_send_anonymous_visitors_to_login(client, path):
    resp = client.get(path)
    assert resp.status_code == 302 and "/masuk" in resp.headers["Location"]


def test_consent_versions_page_counts_people_per_version(app, login_as, make_relawan):
    from relawan.consent import current_version
    with app.app_context():
        current = current_version()
    people = [make_relawan(), make_relawan(), make_relawan()]
    with app.app_context():
        for person, version in zip(people, [current, current, "2025-lama"]):  # last: text missing
            db.session.get(Relawan, person.id).consent_version = version
        db.session.commit()
    html = login_as("admin").get("/admin/privasi/persetujuan").get_data(as_text=True)
    assert current in html and "2025-lama" in html and "teks tidak ditemukan" in html
    row = html[html.index(f"<td>{current}"):]
    assert '<td class="num">2</td>' in row[:400]
    assert "Tujuan" in html  # the text of the version itself


def test_processing_record_page_lists_every_activity_with_configured_retention(app, login_as):
    html = login_as("admin").get("/admin/privasi/catatan-pemrosesan").get_data(as_text=True)
    with app.app_context():
        acts = processing.activities()
    for a in acts:
        assert a.name in html
    assert f"{app.config['RETENTION_DAYS_REJECTED']} hari" in html
    assert f"{app.config['AUDIT_RETENTION_DAYS']} hari" in html
    assert "Pasal 31" in html


def test_docs_privacy_md_covers_every_activity(app):
    doc = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    with app.app_context():
        for a in processing.activities():
            assert a.name in doc, a.name


def test_overview_shows_what_retention_would_anonymise(app, login_as, make_relawan):
    r = make_relawan(status="ditolak")
    with app.app_context():
        db.session.get(Relawan, r.id).status_changed_at = utcnow() - timedelta(days=app.config["RETENTION_DAYS_REJECTED"] + 5)
        db.session.commit()
    html = login_as("admin").get("/admin/privasi/").get_data(as_text=True)
    assert '<span class="stat">1</span>' in html
