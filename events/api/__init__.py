"""JSON API under /api/v1 (check-in for scanners and integrations), described by openapi.json.

Two ways in: the browser session (with the CSRF token in an X-CSRFToken header on POST/DELETE)
or `Authorization: Bearer <token>` (auth.tokens). The blueprint is exempt from Flask-WTF's
global CSRF check because bearer requests carry no cookie; api_auth checks CSRF itself for
cookie-authenticated requests.
"""
from flask import Blueprint, jsonify

from extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)


@bp.get("/openapi.json")
def openapi_spec():
    """The OpenAPI 3 description of this API (tested against the running app)."""
    from events.openapi import spec

    return jsonify(spec())


from events.api import checkin, doorlist, group  # noqa: F401  (routes register on bp)
