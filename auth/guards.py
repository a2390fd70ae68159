"""The forced password change: the one place that checks User.must_change_password.

After an admin reset (auth.services.admin_reset_password) the person may use nothing but the
change-password page and logout until they have chosen their own password. The JSON API is
left alone: it authenticates scanner phones by their bearer tokens, not by this login.
"""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from auth import bp

# Pages a person who must change their password can still reach.
ALLOWED_ENDPOINTS = frozenset({"auth.change_password", "auth.logout", "static", "service_worker",
                               "healthz"})
MUST_CHANGE = "Admin telah mengatur ulang kata sandi Anda. Pilih kata sandi baru sebelum melanjutkan."


@bp.before_app_request
def require_new_password():
    """Send a logged-in person whose password was reset by an admin to the change-password page."""
    if request.endpoint in ALLOWED_ENDPOINTS or request.endpoint is None or request.blueprint == "api":
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        flash(MUST_CHANGE, "warning")
        return redirect(url_for("auth.change_password"))
    return None
