"""The relawan home page lists upcoming registrations with their ticket links."""
from events.models import Registration
from extensions import db
from relawan.models import Relawan
from tests.conftest import login


def test_home_shows_upcoming_registration_with_ticket_link(app, client, make_relawan, make_event):
    rel = make_relawan(status="terverifikasi")
    event = make_event(title="Sosialisasi Aula PKPRI")
    with app.app_context():
        db.session.add(Registration(event_id=event.id, relawan_id=rel.id, token="tok-home-123456789"))
        db.session.commit()
        user = db.session.get(Relawan, rel.id).user
        db.session.expunge(user)
    login(client, user)
    html = client.get("/saya").get_data(as_text=True)
    assert "Sosialisasi Aula PKPRI" in html
    assert "/t/tok-home-123456789" in html
