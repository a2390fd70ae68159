"""Relawan pages: public sign-up here; screening and self-service in their own modules."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from auth import limits
from auth.passwords import WeakPassword
from auth.sessions import start_session
from extensions import db
from relawan import bp, screening, selfservice, services  # noqa: F401  (their routes register on bp)
from relawan.choices import kelurahan_codes, kelurahan_groups
from relawan.consent import consent_text, current_version
from relawan.forms import SignUpForm


def _after_login_url() -> str:
    from auth.views import home_for
    return home_for(current_user)


@bp.route("/daftar", methods=["GET", "POST"])
@limits.per_person("phone", "nik", "email")  # failures per person; a hall of 300 fits one address
def sign_up():
    """Public calon relawan sign-up (mobile first)."""
    if current_user.is_authenticated:
        return redirect(_after_login_url())
    form = SignUpForm(kelurahan_codes=kelurahan_codes())
    if request.method == "POST" and form.validate_on_submit():
        values = form.profile_values()
        data = services.SignUpData(**values, nik=form.clean["nik"], password=form.password.data,
                                   consent_version=form.consent_version.data)
        try:
            relawan = services.sign_up(data)
            start_session(relawan.user)
            db.session.commit()
        except WeakPassword as exc:
            db.session.rollback()
            form.password.errors.append(exc.fields["password"])
        except services.DuplicateRelawan as exc:
            db.session.rollback()
            # The visitor is anonymous: say which fields cannot be used, not that a relawan exists.
            if not exc.fields:  # lost a race to the unique constraint: look the fields up now
                exc = services.DuplicateRelawan(fields=services.find_duplicates(
                    nik=data.nik, phone=data.phone, email=data.email))
            fields = exc.anonymous_fields()
            for name, message in fields.items():
                getattr(form, name).errors.append(message)
            if not fields:
                form.form_errors.append(exc.ANONYMOUS_MESSAGE)
        else:
            flash("Pendaftaran berhasil. Data Anda akan diperiksa panitia; pantau statusnya di sini.",
                  "success")
            for warning in form.warnings:
                flash(warning, "warning")
            return redirect(url_for("relawan.home"))
    # Always offer the current consent text, also after a failed or tampered submission.
    form.consent_version.data = current_version()
    return render_template("relawan/sign_up.html", form=form, groups=kelurahan_groups(),
                           consent=consent_text())
