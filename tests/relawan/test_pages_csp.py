"""Every relawan page obeys the CSP rules of the code base: no inline scripts, styles or handlers."""
import re

from extensions import db
from tests.conftest import login


def _assert_csp_clean(html: str, url: str):
    assert 'style="' not in html, url
    assert not re.search(r"\son[a-z]+=", html), url
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, (url, tag)
    assert re.search(r"<script[^>]*>\s*[^<\s]", html) is None, url


def test_relawan_and_staff_pages_have_no_inline_code(app, make_relawan, login_as):
    from auth.models import User
    rel = make_relawan()
    c = app.test_client()
    _assert_csp_clean(c.get("/daftar").get_data(as_text=True), "/daftar")
    with app.app_context():
        login(c, db.session.get(User, rel.user_id))
    for url in ("/saya", "/saya/profil", "/saya/kartu", "/saya/hapus-data"):
        resp = c.get(url)
        assert resp.status_code == 200, url
        _assert_csp_clean(resp.get_data(as_text=True), url)
    admin = login_as("admin")
    for url in ("/relawan", f"/relawan/{rel.id}"):
        _assert_csp_clean(admin.get(url).get_data(as_text=True), url)
