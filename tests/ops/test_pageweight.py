"""Page weight budgets (issues 6.9, 14.6): the sign-up page with its CSS and JS < 40 KB gzipped,
a ticket page < 30 KB, and the app compresses what it sends (Flask-Compress)."""
from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("pageweight", ROOT / "bench" / "pageweight.py")
pageweight = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pageweight)


def _fetcher(client):
    def fetch(url):
        resp = client.get(url)
        assert resp.status_code == 200, url
        data = resp.get_data()
        resp.close()
        return data
    return fetch


def test_sign_up_page_with_assets_is_under_its_40_kb_budget(client):
    total, rows = pageweight.measure(_fetcher(client), "/daftar")
    kinds = {r[0] for r in rows}
    assert "css" in kinds  # the stylesheet is counted, not just the HTML
    assert not [r for r in rows if r[2] == 0 and r[0] != "html"], "off-site asset (no CDNs allowed)"
    assert pageweight.budget_for("/daftar") == 40 * 1024
    assert total < pageweight.budget_for("/daftar"), f"{total / 1024:.1f} KB gzipped: {rows}"
    assert not [r for r in rows if "sw-register" in r[1] or "/scanner" in r[1] or "vendor" in r[1]]


def _ticket(app, make_relawan, make_event) -> str:
    import secrets

    from events.models import Registration
    from extensions import db
    event, relawan = make_event(), make_relawan(status="aktif")
    token = secrets.token_urlsafe(16)
    with app.app_context():
        db.session.add(Registration(event_id=event.id, relawan_id=relawan.id, token=token, status="confirmed"))
        db.session.commit()
    return token


def test_anonymous_ticket_page_is_under_30_kb_and_loads_no_scanner_or_worker(client, app, make_relawan,
                                                                             make_event):
    path = f"/t/{_ticket(app, make_relawan, make_event)}"
    total, rows = pageweight.measure(_fetcher(client), path)
    assert pageweight.budget_for(path) == 30 * 1024
    assert total < 30 * 1024, f"{total / 1024:.1f} KB gzipped: {rows}"
    urls = [r[1] for r in rows]
    assert not [u for u in urls if "sw-register" in u or "scanner" in u or "vendor" in u or "manifest" in u]


def test_pages_are_compressed_for_browsers_that_accept_gzip(client):
    resp = client.get("/daftar", headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200
    assert resp.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in resp.headers["Vary"]
    html = gzip.decompress(resp.get_data()).decode()
    assert "Daftar calon relawan" in html
    assert int(resp.headers["Content-Length"]) < len(html.encode()) / 2
    css = client.get("/static/css/app.css", headers={"Accept-Encoding": "br, gzip"})
    assert css.headers["Content-Encoding"] in ("br", "gzip")
    css.close()
    plain = client.get("/daftar")  # no Accept-Encoding: sent as is
    assert "Content-Encoding" not in plain.headers and "Daftar calon relawan" in plain.get_data(as_text=True)


def test_small_json_answers_are_not_compressed(client):
    resp = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert "Content-Encoding" not in resp.headers  # under COMPRESS_MIN_SIZE (1 KB): not worth the time
    assert resp.get_json() is not None


def test_login_page_is_light_too(client):
    total, _ = pageweight.measure(_fetcher(client), "/masuk")
    assert total < 30 * 1024
