"""Forms that help (issue 14.5): a field in error says so to assistive technology (aria-invalid,
aria-describedby pointing at its own message), and no page points aria-describedby at an element
that is not there (it used to read aria-describedby="None" on every checkbox)."""
from __future__ import annotations

from html.parser import HTMLParser

from tests.access_expectations import ROLES
from tests.relawan.helpers import counts, signup_form
from tests.test_access_matrix import _build_url, _expected_for, _rules, clients, world  # noqa: F401 (fixtures)


class _Page(HTMLParser):
    """Ids, and the elements that carry aria-invalid / aria-describedby, of one HTML page."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: set[str] = set()
        self.described: list[tuple[str, str, str]] = []  # (tag, name, aria-describedby)
        self.invalid: list[str] = []  # names of the form controls marked aria-invalid="true"
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if "aria-describedby" in a:
            self.described.append((tag, a.get("name") or a.get("id") or "", a["aria-describedby"] or ""))
        if a.get("aria-invalid") == "true":
            self.invalid.append(a.get("name") or "")

    def dangling(self) -> list[str]:
        """aria-describedby references to ids the page does not have."""
        return [f"<{tag} {name}> -> {ref}" for tag, name, refs in self.described
                for ref in refs.split() if ref not in self.ids] + \
               [f"<{tag} {name}> empty" for tag, name, refs in self.described if not refs.split()]


def test_failed_sign_up_marks_each_field_in_error_and_points_at_its_message(client, app):
    resp = client.post("/daftar", data=signup_form(full_name="", nik="123", gender=None, phone="12",
                                                   kelurahan_kode="", consent=None))
    assert resp.status_code == 200
    page = _Page(resp.get_data(as_text=True))
    for name in ("full_name", "nik", "gender", "phone", "kelurahan_kode", "consent"):
        assert name in page.invalid, name
    assert "email" not in page.invalid  # valid fields are not marked
    assert page.dangling() == []
    by_name = {name: refs.split() for _, name, refs in page.described}
    assert "nik-err" in by_name["nik"] and "nik-hint" in by_name["nik"]  # its message and its hint
    assert by_name["consent"] == ["consent-err"]
    with app.app_context():
        assert counts() == {"user": 0, "relawan": 0, "status_change": 0}


def test_sign_up_page_without_errors_has_no_invalid_field_and_no_none_reference(client):
    html = client.get("/daftar").get_data(as_text=True)
    page = _Page(html)
    assert page.invalid == []
    assert 'aria-describedby="None"' not in html
    assert page.dangling() == []


def test_no_page_of_the_access_matrix_points_aria_describedby_at_a_missing_element(app, world, clients):
    problems, pages = [], 0
    for rule in _rules(app):
        if "GET" not in rule.methods or rule.endpoint in ("static", "service_worker"):
            continue
        expected = _expected_for(rule.endpoint, "GET") or {}
        for role in ROLES:
            if expected.get(role) != 200:
                continue
            url = _build_url(rule, world.params)
            resp = clients[role].get(url)
            if resp.status_code == 200 and resp.mimetype == "text/html":
                pages += 1
                html = resp.get_data(as_text=True)
                if 'aria-describedby="None"' in html:
                    problems.append(f"{role} {url}: aria-describedby=\"None\"")
                problems += [f"{role} {url}: {d}" for d in _Page(html).dangling()]
            resp.close()
    assert pages > 50  # every role's HTML pages, not a handful
    assert problems == []
