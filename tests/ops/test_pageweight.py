"""Page weight budget (issue 6.9): the sign-up page with its CSS and JS < 60 KB gzipped."""
from __future__ import annotations

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


def test_sign_up_page_with_assets_is_under_60_kb_gzipped(client):
    total, rows = pageweight.measure(_fetcher(client), "/daftar")
    kinds = {r[0] for r in rows}
    assert "css" in kinds  # the stylesheet is counted, not just the HTML
    assert not [r for r in rows if r[2] == 0 and r[0] != "html"], "off-site asset (no CDNs allowed)"
    assert total < pageweight.BUDGET_BYTES, f"{total / 1024:.1f} KB gzipped: {rows}"


def test_login_page_is_light_too(client):
    total, _ = pageweight.measure(_fetcher(client), "/masuk")
    assert total < 30 * 1024
