"""Login, logout, password change and admin user management."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

import audit
from auth import bp, limits
from auth.forms import ChangePasswordForm, LoginForm, UserForm
from auth.models import READER_ROLES, Role, User
from auth.passwords import Person, password_problems
from auth.services import (
    UserError,
    admin_reset_password,
    authenticate,
    create_user,
    login_throttle_key,
    set_active,
)
from auth.sessions import end_session, renew_session, start_session
from extensions import db, limiter
from helpers.access import admin_required
from helpers.paging import paginate
from helpers.security import safe_next
from relawan.models import Kecamatan
from relawan.validators import InvalidEmail, normalize_email
from timeutil import utcnow

# Set by logout for the page it lands on (the login page), read once there.
LOGGED_OUT_KEY = "logged_out"


def _account_key() -> str:
    """One account attacked from many addresses shares one counter (unknown ones too)."""
    return login_throttle_key(request.form.get("identifier", ""))


def _account_locked(_limit):
    """A locked account is told how to recover: the login page with the "Lupa kata sandi" way."""
    form = LoginForm()
    form.form_errors.append(limits.ACCOUNT_LOCKED)
    return make_response(render_template("auth/login.html", form=form, locked=True), 429)


def home_for(user: User) -> str:
    """Where a user lands after login."""
    if user.role == Role.RELAWAN and "relawan.home" in _endpoints():
        return url_for("relawan.home")
    if user.role in READER_ROLES and "reports.dashboard" in _endpoints():
        return url_for("reports.dashboard")
    return url_for("events.index")


def _endpoints():
    from flask import current_app
    return current_app.view_functions


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(limits.LOGIN_PER_ADDRESS, methods=["POST"], deduct_when=limits.refused)
@limiter.limit(limits.LOGIN_PER_ACCOUNT, key_func=_account_key, methods=["POST"],
               deduct_when=limits.refused, on_breach=_account_locked)
def login():
    """Log in with email or phone number and password."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    # Just logged out: the page deletes the door scanner's offline door list (logout-cleanup.js).
    clear_offline = session.pop(LOGGED_OUT_KEY, False)
    if form.validate_on_submit():
        user = authenticate(form.identifier.data, form.password.data)
        if user is not None:
            start_session(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            audit.record("login", user, user=user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or home_for(user))
        audit.record("login_failed", user=None,
                     details={"identifier": (form.identifier.data or "")[:60]})
        db.session.commit()
        form.password.errors.append("Email/nomor HP atau kata sandi salah, atau akun tidak aktif.")
    return render_template("auth/login.html", form=form, clear_offline=clear_offline)


@bp.post("/keluar")
@login_required
def logout():
    """Log out for good (POST with CSRF token, so a link cannot log someone out)."""
    end_session()
    db.session.commit()
    flash("Anda sudah keluar.", "info")
    session[LOGGED_OUT_KEY] = True
    return redirect(url_for("auth.login"))


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()  # the User itself: login_user must not get the proxy
        problems = password_problems(form.new.data, Person.of(user))
        if not user.check_password(form.current.data):
            form.current.errors.append("Kata sandi sekarang salah.")
        elif problems:
            form.new.errors.extend(problems)
        else:
            user.set_password(form.new.data)  # ends every login of the account
            renew_session(user)
            audit.record("password_changed", user)
            db.session.commit()
            flash("Kata sandi sudah diganti.", "success")
            return redirect(home_for(current_user))
    return render_template("auth/change_password.html", form=form)


def _kecamatan_choices():
    rows = db.session.scalars(select(Kecamatan).order_by(Kecamatan.kode)).all()
    return [("", "Semua kecamatan")] + [(k.kode, f"{k.nama} ({k.kode})") for k in rows]


@bp.get("/admin/pengguna")
@admin_required
def users():
    """Admin: list of accounts, filterable by role."""
    role = request.args.get("peran", "")
    q = (request.args.get("q") or "")[:100]
    stmt = select(User).order_by(User.role, User.name)
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == role)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(User.name.ilike(like) | User.email.ilike(like) | User.phone.ilike(like))
    page = paginate(stmt, per_page=50)
    return render_template("auth/users.html", page=page, role=role, q=q, roles=list(Role))


@bp.route("/admin/pengguna/baru", methods=["GET", "POST"])
@admin_required
def user_create():
    """Admin: create a staff, koordinator or relawan account."""
    form = UserForm()
    form.kecamatan_kode.choices = _kecamatan_choices()
    if form.validate_on_submit():
        try:
            user = create_user(name=form.name.data, role=form.role.data, password=form.password.data or "",
                               email=form.email.data or None, phone=form.phone.data or None,
                               kecamatan_kode=form.kecamatan_kode.data or None)
            audit.record("user_created", user, details={"role": user.role,
                                                        "kecamatan": user.kecamatan_kode})
            db.session.commit()
            flash(f"Akun {user.name} dibuat.", "success")
            return redirect(url_for("auth.users"))
        except UserError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/admin/pengguna/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    """Admin: change name, contact, role, kecamatan scope, active flag; optionally reset password."""
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    form.kecamatan_kode.choices = _kecamatan_choices()
    if request.method == "GET":
        form.kecamatan_kode.data = user.kecamatan_kode or ""
        form.phone.data = user.phone or ""
    if form.validate_on_submit():
        try:
            email = normalize_email(form.email.data) if form.email.data else None
        except InvalidEmail as exc:
            form.form_errors.append(exc.message)
            return render_template("auth/user_form.html", form=form, user=user), 200
        phone = form.phone.data  # E.164 from PhoneField
        conditions = [c for c in ((User.email == email) if email else None,
                                  (User.phone == phone) if phone else None) if c is not None]
        clash = conditions and db.session.scalar(
            select(User.id).where(User.id != user.id, or_(*conditions)))
        if clash or not (email or phone):
            form.form_errors.append("Email atau nomor HP sudah dipakai akun lain, atau keduanya kosong.")
            return render_template("auth/user_form.html", form=form, user=user), 200
        if user.id == current_user.id and (form.role.data != Role.ADMIN or not form.active.data):
            form.form_errors.append("Anda tidak dapat mencabut peran admin atau menonaktifkan akun sendiri.")
            return render_template("auth/user_form.html", form=form, user=user), 200
        problems = form.password.data and password_problems(
            form.password.data, Person(name=form.name.data, phone=phone, email=email,
                                       nik=getattr(user.relawan, "nik", None)))
        if problems:
            form.password.errors.extend(problems)
            return render_template("auth/user_form.html", form=form, user=user), 200
        old = {"role": user.role, "kecamatan": user.kecamatan_kode, "active": user.active}
        user.name, user.email, user.phone = form.name.data.strip(), email, phone
        user.role = form.role.data
        user.kecamatan_kode = (form.kecamatan_kode.data or None) if user.role == Role.KOORDINATOR else None
        set_active(user, form.active.data)
        if form.password.data:
            admin_reset_password(user, form.password.data, by=current_user)  # audited, forced change
        new = {"role": user.role, "kecamatan": user.kecamatan_kode, "active": user.active}
        if old != new:
            audit.record("user_role_changed", user, details={"from": old, "to": new})
        db.session.commit()
        flash("Perubahan akun disimpan.", "success")
        return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)


@bp.post("/admin/pengguna/<int:user_id>/nonaktifkan")
@admin_required
def user_deactivate(user_id: int):
    """Admin: deactivate an account (it can no longer log in)."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        abort(400)
    set_active(user, False)
    audit.record("user_deactivated", user)
    db.session.commit()
    flash(f"Akun {user.name} dinonaktifkan.", "success")
    return redirect(url_for("auth.users"))
