"""Staff accounts and their server-side sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.admin.models import ROLE_RANK, ROLES, AdminSession, User
from bot.admin.security import (
    check_password_strength,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class UserError(ValueError):
    """A user-facing (Vietnamese) reason why an account operation was refused."""


@dataclass(frozen=True)
class CurrentUser:
    """What a request handler knows about the logged-in user."""

    id: int
    username: str
    full_name: str
    role: str
    csrf_token: str

    def has_role(self, role: str) -> bool:
        return ROLE_RANK.get(self.role, 0) >= ROLE_RANK[role]


def create_user(*, session: Session, username: str, password: str, role: str, full_name: str = "") -> User:
    """Add an account; refuses unknown roles, duplicate names and weak passwords."""
    username = username.strip().lower()
    if not username or len(username) > 100 or any(ch.isspace() for ch in username):
        raise UserError("Tên đăng nhập không hợp lệ.")
    if role not in ROLES:
        raise UserError(f"Vai trò phải là một trong: {', '.join(ROLES)}.")
    reason = check_password_strength(password)
    if reason:
        raise UserError(reason)
    if session.execute(select(User.id).where(User.username == username)).first():
        raise UserError("Tên đăng nhập đã tồn tại.")
    user = User(username=username, full_name=full_name.strip(), password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    return user


def set_password(*, session: Session, user: User, password: str) -> None:
    reason = check_password_strength(password)
    if reason:
        raise UserError(reason)
    user.password_hash = hash_password(password)
    session.execute(delete(AdminSession).where(AdminSession.user_id == user.id))


# Verified against when the user does not exist, so timing does not reveal which names exist.
_DUMMY_HASH = hash_password("not-a-real-password-0")


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = session.execute(select(User).where(User.username == username.strip().lower())).scalar_one_or_none()
    if user is None or not user.active:
        verify_password(password, _DUMMY_HASH)
        return None
    return user if verify_password(password, user.password_hash) else None


def start_session(*, session: Session, user: User, minutes: int) -> tuple[str, AdminSession]:
    """A new session for the user; returns the cookie token (only its digest is stored)."""
    token = new_token()
    now = utcnow()
    row = AdminSession(
        token_hash=token_digest(token),
        user_id=user.id,
        csrf_token=new_token(),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=minutes),
    )
    user.last_login_at = now
    session.add(row)
    # Sweep expired sessions now and then so the table does not grow without bound.
    session.execute(delete(AdminSession).where(AdminSession.expires_at < now))
    session.flush()
    return token, row


def load_session(*, session: Session, token: str, minutes: int) -> CurrentUser | None:
    """The user behind a cookie token if the session is live; extends it (sliding expiry)."""
    if not token:
        return None
    row = session.execute(
        select(AdminSession).where(AdminSession.token_hash == token_digest(token))
    ).scalar_one_or_none()
    now = utcnow()
    if row is None:
        return None
    if row.expires_at <= now:
        session.delete(row)
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        session.delete(row)
        return None
    row.expires_at = now + dt.timedelta(minutes=minutes)
    return CurrentUser(user.id, user.username, user.full_name, user.role, row.csrf_token)


def end_session(*, session: Session, token: str) -> None:
    session.execute(delete(AdminSession).where(AdminSession.token_hash == token_digest(token)))
