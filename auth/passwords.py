"""The password rule and the login check: one owner for each.

`password_problems` is asked wherever a person chooses a password (sign-up, password change,
admin create/reset, `flask users create`). Common passwords come from the list shipped with
zxcvbn (MIT; the passwords frequency list it ranks guesses with), read through its public
`zxcvbn()` result.

`verify_login` computes exactly one password hash whether or not the account exists, so the
answer time does not tell an attacker which emails and phone numbers have an account.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from auth.models import User, password_hash_method
from helpers.errors import DomainError

MIN_LENGTH = 10
MAX_LENGTH = 128
# Name parts shorter than this ("Ani", "Rt") would refuse too many unrelated passwords.
_MIN_NAME_PART = 4
# zxcvbn refuses longer input (its matching is quadratic); the first 72 characters decide.
_ZXCVBN_MAX = 72


class WeakPassword(DomainError):
    """A chosen password broke the rule; `fields["password"]` says why."""

    code = "weak_password"
    kind = "invalid"


@dataclass(frozen=True)
class Person:
    """What a password must not contain: the person's own name, phone, NIK and email."""

    name: str | None = None
    phone: str | None = None
    nik: str | None = None
    email: str | None = None

    @classmethod
    def of(cls, user: User) -> Person:
        """The person behind an account (with the relawan's NIK when there is one)."""
        relawan = getattr(user, "relawan", None)
        return cls(name=user.name, phone=user.phone, email=user.email,
                   nik=getattr(relawan, "nik", None))


def _personal_parts(person: Person) -> list[tuple[str, str]]:
    """(lower-case fragment, Indonesian label) pairs a password may not contain."""
    parts: list[tuple[str, str]] = []
    digits = re.sub(r"\D", "", person.phone or "")
    # "+6281234567890" is also typed "081234567890": match the part after 62 or 0.
    digits = digits[2:] if digits.startswith("62") else digits.removeprefix("0")
    if len(digits) >= 8:
        parts.append((digits, "nomor HP Anda"))
    nik = re.sub(r"\D", "", person.nik or "")
    if len(nik) >= 8:
        parts.append((nik, "NIK Anda"))
    name = (person.name or "").lower()
    for piece in re.split(r"[^a-z]+", name) + [re.sub(r"[^a-z]", "", name)]:
        if len(piece) >= _MIN_NAME_PART:
            parts.append((piece, "nama Anda"))
    local = (person.email or "").split("@")[0].lower()
    if len(local) >= _MIN_NAME_PART:
        parts.append((local, "alamat email Anda"))
    return parts


def _is_common(password: str) -> bool:
    """True when the whole password is one entry of zxcvbn's common-password list (in any
    case or l33t spelling), or zxcvbn rates it as guessable within a thousand tries."""
    result = zxcvbn(password[:_ZXCVBN_MAX])
    sequence = result["sequence"]
    whole_common = (len(sequence) == 1 and sequence[0].get("pattern") == "dictionary"
                    and sequence[0].get("dictionary_name") == "passwords")
    return whole_common or result["score"] == 0


def password_problems(password: str, person: Person | None = None) -> list[str]:
    """Why `password` may not be used, in Indonesian; empty when it is acceptable."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return [f"Kata sandi minimal {MIN_LENGTH} karakter."]
    if len(password) > MAX_LENGTH:
        return [f"Kata sandi maksimal {MAX_LENGTH} karakter."]
    if len(set(password)) == 1:
        return ["Kata sandi tidak boleh hanya satu karakter yang diulang."]
    problems = []
    compact = re.sub(r"[\s.\-_]", "", password.lower())
    for fragment, label in _personal_parts(person or Person()):
        if fragment in compact:
            problems.append(f"Kata sandi tidak boleh memuat {label}.")
            break
    if _is_common(password):
        problems.append("Kata sandi ini terlalu umum dan mudah ditebak. Gunakan gabungan beberapa "
                        "kata yang tidak berhubungan dengan Anda.")
    return problems


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("akun-yang-tidak-ada", method=method)


def verify_login(user: User | None, password: str) -> bool:
    """True when `user` exists, is active and `password` is theirs. Always one hash check."""
    stored = user.password_hash if user is not None else _dummy_hash(password_hash_method())
    ok = check_password_hash(stored, password or "")
    return ok and user is not None and user.is_active
