"""Role and scope checks shared by every blueprint."""
from __future__ import annotations

from functools import wraps

from flask import abort, request
from flask_login import current_user

from auth.models import READER_ROLES, STAFF_ROLES, Role


def roles_required(*roles: str):
    """Allow only logged-in users with one of `roles`; 401/redirect for anonymous, 403 otherwise."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    abort(401)
                from extensions import login_manager
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


# Who is staff or a reader is decided in auth.models (STAFF_ROLES, READER_ROLES) only.
staff_required = roles_required(*STAFF_ROLES)
readers_required = roles_required(*READER_ROLES)
admin_required = roles_required(Role.ADMIN)


def scope_kecamatan(user=None) -> str | None:
    """The kecamatan code a koordinator is limited to, or None for unrestricted users."""
    user = user or current_user
    if getattr(user, "role", None) == Role.KOORDINATOR:
        return user.kecamatan_kode
    return None


def check_kecamatan_scope(kecamatan_kode: str | None, user=None) -> None:
    """Abort 404 when a scoped koordinator reaches data outside their kecamatan (no existence leak)."""
    scope = scope_kecamatan(user)
    if scope and kecamatan_kode != scope:
        abort(404)
