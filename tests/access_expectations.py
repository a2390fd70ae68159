"""The expectation table of tests/test_access_matrix.py: for every endpoint of app.url_map, the
status each role must get. A new route needs a row here (the matrix test fails without one).

Roles: anonymous; relawan A (owns the ticket, card, history); relawan B; koordinator of another
kecamatan; koordinator of A's kecamatan (Kasemen); panitia; admin.
"""
from __future__ import annotations

ROLES = ["anonymous", "relawan_a", "relawan_b", "koordinator_other", "koordinator", "panitia", "admin"]
KASEMEN, SERANG = "36.73.02", "36.73.01"
KEL_A, KEL_B = "36.73.02.1001", "36.73.01.1008"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


LOGIN = "302->/masuk"          # anonymous on a login-protected page: redirected to the login form
OK = (200, 302, 400, 409, 422)  # an allowed write: passed the access gate (form errors are fine)
DENIED = {401, 403, 404}


def roles(anonymous, relawan_a, relawan_b, koordinator_other, koordinator, panitia, admin):
    """Expected status per role, in ROLES order (an int, a tuple of accepted ints, or LOGIN)."""
    return dict(zip(ROLES, (anonymous, relawan_a, relawan_b, koordinator_other, koordinator, panitia, admin)))


def same(status, anonymous=None):
    """Everyone gets `status` (anonymous may differ)."""
    return roles(status if anonymous is None else anonymous, *([status] * 6))


# Audiences. relawan B is door staff (DoorStaffGrant) of the fixture event, so the scanner rows
# show what a scan-only helper may do; koordinator is scoped to relawan A's kecamatan (Kasemen).
PUBLIC = same(200)
ANON_ONLY = roles(200, 302, 302, 302, 302, 302, 302)               # sign-up/login: logged-in users go home
LOGGED_IN = same(200, anonymous=LOGIN)
LOGGED_IN_WRITE = same(OK, anonymous=LOGIN)
RELAWAN_SELF = roles(LOGIN, 200, 200, 403, 403, 403, 403)          # /saya/...: always one's own record
RELAWAN_SELF_WRITE = roles(LOGIN, OK, OK, 403, 403, 403, 403)
READERS = roles(LOGIN, 403, 403, 200, 200, 200, 200)               # admin, panitia, koordinator (read)
READERS_SCOPED_A = roles(LOGIN, 403, 403, 404, 200, 200, 200)      # an object in Kasemen
STAFF = roles(LOGIN, 403, 403, 403, 403, 200, 200)                 # admin, panitia
STAFF_WRITE = roles(LOGIN, 403, 403, 403, 403, OK, OK)
ADMIN = roles(LOGIN, 403, 403, 403, 403, 403, 200)
ADMIN_WRITE = roles(LOGIN, 403, 403, 403, 403, 403, OK)
SCANNERS = roles(LOGIN, 403, 200, 403, 403, 200, 200)              # staff + door staff of this event
SCANNERS_WRITE = roles(LOGIN, 403, OK, 403, 403, OK, OK)
API_SCANNERS = roles(401, 403, 200, 403, 403, 200, 200)
API_SCANNERS_WRITE = roles(401, 403, OK, 403, 403, OK, OK)
API_STAFF_WRITE = roles(401, 403, 403, 403, 403, OK, OK)

# endpoint -> {method: expected-by-role} or expected-by-role (for every method of the rule).
EXPECTATIONS: dict[str, dict] = {
    # infrastructure
    "static": PUBLIC,
    "healthz": PUBLIC,
    "service_worker": PUBLIC,
    # auth
    "auth.login": {"GET": ANON_ONLY, "POST": roles(200, 302, 302, 302, 302, 302, 302)},
    "auth.logout": same(302, anonymous=LOGIN),
    # Lupa kata sandi (issue 12.4): for people who cannot log in; logged-in people are sent home.
    "auth.forgot_password": {"GET": ANON_ONLY, "POST": roles(OK, 302, 302, 302, 302, 302, 302)},
    "auth.reset_with_code": {"GET": ANON_ONLY, "POST": roles(OK, 302, 302, 302, 302, 302, 302)},
    "auth.reset_with_link": {"GET": ANON_ONLY, "POST": roles(OK, 302, 302, 302, 302, 302, 302)},
    "auth.change_password": {"GET": LOGGED_IN, "POST": LOGGED_IN_WRITE},
    "auth.users": ADMIN,
    "auth.user_create": {"GET": ADMIN, "POST": ADMIN_WRITE},
    "auth.user_edit": {"GET": ADMIN, "POST": ADMIN_WRITE},
    "auth.user_deactivate": ADMIN_WRITE,
    "auth.audit_log": ADMIN,
    # API tokens: staff and door staff make tokens for their scanner phones; revoking someone
    # else's token is 404 for non-staff (no existence leak).
    "auth.tokens": {"GET": SCANNERS, "POST": SCANNERS_WRITE},
    "auth.revoke_token_view": roles(LOGIN, 404, 404, 404, 404, OK, OK),
    # events: public pages
    "events.index": PUBLIC,
    "events.detail": PUBLIC,
    "events.ics": PUBLIC,
    "events.programs": PUBLIC,
    "events.program_detail": PUBLIC,
    "events.register_guest": {"GET": PUBLIC, "POST": same(OK)},
    "events.lost_ticket": {"GET": PUBLIC, "POST": same(OK)},
    # tickets: the token is the credential (guests have no account)
    "events.ticket": PUBLIC,
    "events.ticket_png": PUBLIC,
    "events.ticket_svg": PUBLIC,
    # reg_service.may_cancel: the link holder, the relawan's own account, panitia and admin
    "events.cancel_registration": roles(OK, OK, 403, 403, 403, OK, OK),
    # the holder's answers to the event's questions (issue 15.4): the same people as cancelling
    "events.registration_answers": {"GET": roles(200, 200, 403, 403, 403, 200, 200),
                                    "POST": roles(OK, OK, 403, 403, 403, OK, OK)},
    "events.ticket_check_in_get": same(302, anonymous=LOGIN),
    "events.ticket_check_in": SCANNERS_WRITE,
    "events.group_check_in": SCANNERS_WRITE,  # the lead's ticket checks in its group (15.1)
    # registration
    "events.register": LOGGED_IN_WRITE,
    "events.register_program": LOGGED_IN_WRITE,
    "events.cancel_program_registration": roles(LOGIN, OK, 404, OK, OK, OK, OK),
    "events.my_registrations": LOGGED_IN,
    # managing events, programs, speakers (koordinator reads lists)
    "events.manage": READERS,
    "events.registrations": READERS,
    "events.create": {"GET": STAFF, "POST": STAFF_WRITE},
    "events.edit": {"GET": STAFF, "POST": STAFF_WRITE},
    "events.cancel": {"GET": STAFF, "POST": STAFF_WRITE},
    "events.publish": STAFF_WRITE,
    "events.agenda": {"GET": STAFF, "POST": STAFF_WRITE},
    "events.agenda_delete": STAFF_WRITE,
    # registration questions per event (issue 15.4): panitia and admin
    "events.event_questions": {"GET": STAFF, "POST": STAFF_WRITE},
    "events.edit_event_question": {"GET": STAFF, "POST": STAFF_WRITE},
    "events.move_event_question": STAFF_WRITE,
    "events.delete_event_question": {"GET": STAFF, "POST": STAFF_WRITE},
    "events.import_invitees": {"GET": STAFF, "POST": STAFF_WRITE},
    "events.send_ticket": STAFF_WRITE,
    "events.send_invitee_tickets": STAFF_WRITE,
    "events.door_staff": {"GET": STAFF, "POST": STAFF_WRITE},
    "events.door_staff_revoke": STAFF_WRITE,
    "events.badge_pdf": STAFF,
    "events.badges_pdf": STAFF,
    "events.program_create": {"GET": STAFF, "POST": STAFF_WRITE},
    "events.program_edit": {"GET": STAFF, "POST": STAFF_WRITE},
    "events.speakers": READERS,
    "events.speaker_detail": READERS,
    "events.speaker_create": {"GET": STAFF, "POST": STAFF_WRITE},
    "events.speaker_edit": {"GET": STAFF, "POST": STAFF_WRITE},
    # scanner and door desk
    "events.scanner_home": roles(LOGIN, 200, 200, 403, 403, 200, 200),
    "events.scanner": SCANNERS,
    "events.door_desk": SCANNERS,
    "events.door_check_in": SCANNERS_WRITE,
    "events.door_undo": STAFF_WRITE,
    # a check-in outside the window with a reason: panitia and admin, not door staff (relawan B)
    "events.door_force_check_in": STAFF_WRITE,
    # Self check-in (issue 13.4): the projector is for panitia and admin; the page its QR opens is
    # for anyone logged in (the code decides; the world's `code` is not a rotating code: 400).
    "events.projector": STAFF,
    "events.projector_qr": STAFF,
    "events.self_check_in_page": same(400, anonymous=LOGIN),
    "events.self_check_in": same(400, anonymous=LOGIN),
    # JSON API
    "api.openapi_spec": PUBLIC,
    "api.events": same(200, anonymous=401),
    "api.event_stats": API_SCANNERS,
    "api.registrations": API_SCANNERS,
    "api.event_door_list": API_SCANNERS,
    "api.check_in": API_SCANNERS_WRITE,
    "api.undo_check_in": API_STAFF_WRITE,
    # the family/group at the door (issue 15.1): the same people as scanning
    "api.group": API_SCANNERS,
    "api.group_check_in": API_SCANNERS_WRITE,
    # relawan
    "relawan.sign_up": {"GET": ANON_ONLY, "POST": roles(OK, 302, 302, 302, 302, 302, 302)},
    "relawan.home": RELAWAN_SELF,
    "relawan.profile_edit": {"GET": RELAWAN_SELF, "POST": RELAWAN_SELF_WRITE},
    "relawan.card": RELAWAN_SELF,
    "relawan.card_png": RELAWAN_SELF,
    "relawan.card_svg": RELAWAN_SELF,
    "relawan.export_data": RELAWAN_SELF,
    "relawan.request_deletion": {"GET": RELAWAN_SELF, "POST": RELAWAN_SELF_WRITE},
    "relawan.screening": READERS,
    "relawan.detail": READERS_SCOPED_A,
    "relawan.approve": STAFF_WRITE,
    "relawan.reject": STAFF_WRITE,
    "relawan.bulk_approve": STAFF_WRITE,
    "relawan.change_status": STAFF_WRITE,
    "relawan.anonymise": ADMIN_WRITE,
    # reports (koordinator scoped)
    "reports.dashboard": READERS,
    "reports.event_report": READERS,
    "reports.attendance": READERS,
    "reports.export": READERS,
    "reports.relawan_history": roles(LOGIN, 200, 403, 404, 200, 200, 200),   # A's own history
    "reports.daftar_hadir": STAFF,
    "reports.certificate_pdf": roles(LOGIN, 200, 404, 404, 404, 200, 200),    # A's own certificate
    "reports.verify_certificate": PUBLIC,
    "events.issue_event_certificates": STAFF_WRITE,
    "events.issue_program_certificates": STAFF_WRITE,
    "events.revoke_certificate": ADMIN_WRITE,
    "events.set_excuse": STAFF_WRITE,
    "events.refresher_list": STAFF,           # refresher training (issue 15.3)
    "events.enroll_refresher": STAFF_WRITE,
    # ops (this issue)
    "ops.index": ADMIN,
    "ops.consent_versions": ADMIN,
    "ops.processing_record": ADMIN,
    # the kop surat page (issue 14.2): admin's; the fixture has no emblem, so its image is 404
    "letterhead.settings": ADMIN,
    "letterhead.upload": ADMIN_WRITE,
    "letterhead.remove": ADMIN_WRITE,
    "letterhead.emblem_image": roles(LOGIN, 403, 403, 403, 403, 403, 404),
    # messaging (issue 12): the outbox is admin's; the webhook answers only Meta's signed calls
    "messaging.outbox": ADMIN,
    "messaging.resend": ADMIN_WRITE,
    "messaging.message_templates": ADMIN,
    "messaging.whatsapp_verify": same(403),
    "messaging.whatsapp_statuses": same(403),
    # broadcasts (issue 12.7): readers write and read them, a koordinator only inside their
    # kecamatan (the fixture broadcast is to Kasemen relawan); the opt-out link is public
    "messaging.broadcasts_index": READERS,
    "messaging.broadcast_compose": {"GET": READERS, "POST": roles(LOGIN, 403, 403, OK, OK, OK, OK)},
    "messaging.broadcast_send": roles(LOGIN, 403, 403, OK, OK, OK, OK),
    "messaging.broadcast_detail": READERS_SCOPED_A,
    "messaging.opt_out": PUBLIC,
    "messaging.opt_out_confirm": PUBLIC,
    # case statistics (issue 15.5): the page is public, the figures are admin's
    "cases.statistics": PUBLIC,
    "cases.manage": ADMIN,
    "cases.add_year": {"GET": ADMIN, "POST": ADMIN_WRITE},
    "cases.edit_year": {"GET": ADMIN, "POST": ADMIN_WRITE},
    "cases.add_type": ADMIN_WRITE,
    # questionnaires (issue 15.2): answers are personal data, so making them and their results are
    # panitia's and admin's (not the koordinator's); answering is for the event's registrants
    # (A and B are registered; others see the ticket-code form, their POST is refused)
    "surveys.event_questionnaires": STAFF,
    "surveys.create_from_template": STAFF_WRITE,
    "surveys.create_blank": STAFF_WRITE,
    "surveys.templates": STAFF,
    "surveys.create_template": STAFF_WRITE,
    "surveys.edit": STAFF,
    "surveys.edit_template": STAFF,
    "surveys.add_question": STAFF_WRITE,
    "surveys.add_template_question": STAFF_WRITE,
    "surveys.delete_question": STAFF_WRITE,
    "surveys.delete_template_question": STAFF_WRITE,
    "surveys.save_template": STAFF_WRITE,
    "surveys.open_round": STAFF_WRITE,
    "surveys.close_round": STAFF_WRITE,
    "surveys.projector": STAFF,
    "surveys.results_page": STAFF,
    "surveys.results_xlsx": STAFF,
    "surveys.answer": {"GET": PUBLIC, "POST": roles(403, OK, OK, 403, 403, 403, 403)},
    "surveys.find_ticket": same(OK),
    "surveys.answer_with_ticket": {"GET": PUBLIC, "POST": same(OK)},
}
