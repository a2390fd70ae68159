"""Lupa kata sandi pages: ask for a code or link, then choose a new password with it.

The rules live in auth.recovery; the limits in auth.limits. Every answer to "send me a code"
is the same whether or not the account exists.
"""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user

from auth import bp, limits
from auth.forms import ForgotPasswordForm, NewPasswordForm, ResetCodeForm
from auth.models import PasswordReset
from auth.passwords import WeakPassword
from auth.recovery import (
    InvalidReset,
    channel_for,
    check_secret,
    code_reset_for,
    complete_reset,
    is_live,
    link_reset_for,
    request_reset,
)
from auth.services import login_throttle_key
from auth.sessions import start_session
from extensions import db, limiter
from messaging.models import Channel
from timeutil import utcnow

SENT_CODE = ("Jika nomor itu terdaftar, kode 6 angka sudah dikirim lewat WhatsApp ke nomor tersebut. "
             "Kode berlaku 15 menit dan hanya sekali pakai.")
SENT_LINK = ("Jika email itu terdaftar, tautan untuk memilih kata sandi baru sudah dikirim ke email "
             "tersebut. Tautan berlaku 15 menit dan hanya sekali pakai.")
DONE = "Kata sandi baru tersimpan dan Anda sudah masuk. Semua perangkat lain sudah dikeluarkan."
_SESSION_KEY = "reset_identifier"


def _reset_key() -> str:
    """Requests for one account (by its email or phone) share one counter, unknown ones too."""
    return "reset:" + login_throttle_key(request.form.get("identifier", ""))


def _home():
    from auth.views import home_for
    return redirect(home_for(current_user))


@bp.route("/lupa-kata-sandi", methods=["GET", "POST"])
@limiter.limit(limits.RESET_PER_ADDRESS, methods=["POST"])
@limiter.limit(limits.RESET_PER_ACCOUNT, key_func=_reset_key, methods=["POST"])
def forgot_password():
    """Ask for a 6-digit code by WhatsApp (phone number) or a link by email."""
    if current_user.is_authenticated:
        return _home()
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        identifier = form.identifier.data.strip()
        request_reset(identifier)
        db.session.commit()
        if channel_for(identifier) == Channel.EMAIL:
            flash(SENT_LINK, "info")
            return redirect(url_for("auth.login"))
        session[_SESSION_KEY] = identifier
        flash(SENT_CODE, "info")
        return redirect(url_for("auth.reset_with_code"))
    return render_template("auth/forgot_password.html", form=form)


def _finish(reset: PasswordReset | None, secret: str, form, template: str, **context):
    """Check the secret (one try charged), set the new password, log the person in."""
    try:
        user = complete_reset(check_secret(reset, secret), form.new.data)
    except WeakPassword as exc:
        db.session.rollback()  # the code was right: the try is not charged
        form.new.errors.append(exc.fields["password"])
    except InvalidReset as exc:
        db.session.commit()  # the try stays charged
        g.limit_failed = True
        form.form_errors.append(exc.message)
    else:
        start_session(user)  # set_password ended every other login of the account
        user.last_login_at = utcnow()
        session.pop(_SESSION_KEY, None)
        db.session.commit()
        flash(DONE, "success")
        return _home()
    return render_template(template, form=form, **context), 422


@bp.route("/lupa-kata-sandi/kode", methods=["GET", "POST"])
@limiter.limit(limits.RESET_CODE_FAILURES_PER_ADDRESS, methods=["POST"], deduct_when=limits.refused)
def reset_with_code():
    """Type the code from WhatsApp and a new password."""
    if current_user.is_authenticated:
        return _home()
    form = ResetCodeForm()
    if request.method == "GET":
        form.identifier.data = session.get(_SESSION_KEY, "")
    if form.validate_on_submit():
        return _finish(code_reset_for(form.identifier.data), form.code.data.strip(), form,
                       "auth/reset_code.html")
    return render_template("auth/reset_code.html", form=form), 422 if request.method == "POST" else 200


@bp.route("/lupa-kata-sandi/tautan/<token>", methods=["GET", "POST"])
@limiter.limit(limits.RESET_CODE_FAILURES_PER_ADDRESS, methods=["POST"], deduct_when=limits.refused)
def reset_with_link(token: str):
    """The link from the email: choose a new password."""
    if current_user.is_authenticated:
        return _home()
    form = NewPasswordForm()
    reset = link_reset_for(token)
    if request.method == "GET":
        return render_template("auth/reset_link.html", form=form, token=token, live=is_live(reset))
    if form.validate_on_submit():
        return _finish(reset, token, form, "auth/reset_link.html", token=token, live=True)
    return render_template("auth/reset_link.html", form=form, token=token, live=True), 422
