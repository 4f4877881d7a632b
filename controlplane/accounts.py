"""Accounts and access tokens: create, verify, and the device-login handshake."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zigttp.controlplane import audit, secret
from zigttp.controlplane.models import AccessToken, Account, DeviceLogin
from zigttp.errors import ControlPlaneError

_EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,253}")
_SLUG_RUN = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Caller:
    """Who is making a request: the account behind a verified token."""

    account_id: str
    email: str
    namespace: str
    token_id: str = ""


def account_for(session: Session, email: str) -> Account:
    """The account with this email, created (with a unique namespace) if new."""
    email = email.strip()
    if not _EMAIL.fullmatch(email):
        raise ControlPlaneError(
            "create an account", 400, "invalid_email", f"{email!r} is not an email"
        )

    found = session.scalar(select(Account).where(Account.email == email.lower()))
    if found is not None:
        return found

    account = Account(
        id=secret.new_id("acc"),
        email=email.lower(),
        namespace=_free_namespace(session, email),
        created_at=time.time(),
    )
    session.add(account)
    session.flush()
    audit.record(session, "account.create", account.email, account.id)
    return account


def create_token(session: Session, account: Account, label: str) -> str:
    """A new access token for `account`; only its hash is kept, so show it once."""
    token = secret.new_access_token()
    session.add(
        AccessToken(
            id=secret.new_id("tok"),
            account_id=account.id,
            token_hash=secret.digest(token),
            label=label[:80],
            created_at=time.time(),
        )
    )
    audit.record(session, "token.create", account.email, account.id, label=label)
    return token


def verify(session: Session, token: str) -> Caller:
    """The caller behind `token`, or 401; records the use in the audit log."""
    if not token.startswith(secret.ACCESS_TOKEN_PREFIX) or len(token) > 200:
        raise _unauthorized()

    row = session.scalar(
        select(AccessToken).where(AccessToken.token_hash == secret.digest(token))
    )
    if row is None or row.revoked_at is not None:
        raise _unauthorized()

    account = session.get(Account, row.account_id)
    if account is None:
        raise _unauthorized()

    now = time.time()
    if row.last_used_at is None or now - row.last_used_at > 60:
        audit.record(session, "token.use", row.id, account.id)
    row.last_used_at = now
    return Caller(account.id, account.email, account.namespace, row.id)


def start_device_login(session: Session, lifetime: int) -> tuple[str, str]:
    """A (device code, user code) pair: the CLI keeps one, a person types the other."""
    device_code = secret.new_secret()
    user_code = secret.new_user_code()
    while session.scalar(select(DeviceLogin).where(DeviceLogin.user_code == user_code)):
        user_code = secret.new_user_code()

    now = time.time()
    session.add(
        DeviceLogin(
            id=secret.new_id("dev"),
            device_code_hash=secret.digest(device_code),
            user_code=user_code,
            status="pending",
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return device_code, user_code


def poll_device_login(
    session: Session, device_code: str, interval: int
) -> tuple[str, dict[str, object]]:
    """("pending"|"slow_down"|"approved", answer) or an error for denied/expired."""
    login = session.scalar(
        select(DeviceLogin).where(
            DeviceLogin.device_code_hash == secret.digest(device_code)
        )
    )
    if login is None:
        raise ControlPlaneError(
            "poll device login", 404, "unknown_device_code", "no such device code"
        )

    now = time.time()
    if login.status == "denied":
        raise ControlPlaneError(
            "poll device login", 403, "access_denied", "the sign-in was denied"
        )
    if login.status == "consumed" or now > login.expires_at:
        raise ControlPlaneError(
            "poll device login",
            410,
            "expired_token",
            "the device code expired or was used; start the sign-in again",
        )

    too_soon = login.last_poll_at is not None and now - login.last_poll_at < interval
    login.last_poll_at = now
    if login.status == "pending":
        return ("slow_down" if too_soon else "pending"), {}

    account = session.get(Account, login.account_id)
    assert account is not None
    login.status = "consumed"
    token = create_token(session, account, "device login")
    return "approved", {"token": token, "email": account.email}


def decide_device_login(
    session: Session, user_code: str, caller: Caller, approve: bool
) -> None:
    """The signed-in person approves or denies the login showing `user_code`."""
    code = user_code.strip().upper()
    if len(code) == 8 and "-" not in code:
        code = f"{code[:4]}-{code[4:]}"

    login = session.scalar(select(DeviceLogin).where(DeviceLogin.user_code == code))
    if login is None or login.status != "pending" or time.time() > login.expires_at:
        raise ControlPlaneError(
            "approve device login",
            404,
            "unknown_user_code",
            "no pending sign-in has that code; check it, or start again",
        )

    login.status = "approved" if approve else "denied"
    login.account_id = caller.account_id
    action = "device.approve" if approve else "device.deny"
    audit.record(session, action, login.id, caller.account_id)


def _free_namespace(session: Session, email: str) -> str:
    local = email.split("@", 1)[0].lower()
    base = _SLUG_RUN.sub("-", local).strip("-")[:40] or "user"
    candidate = base
    taken = session.scalar(
        select(func.count()).select_from(Account).where(Account.namespace == base)
    )
    number = 1
    while taken:
        number += 1
        candidate = f"{base}-{number}"
        taken = session.scalar(
            select(func.count())
            .select_from(Account)
            .where(Account.namespace == candidate)
        )
    return candidate


def _unauthorized() -> ControlPlaneError:
    return ControlPlaneError(
        "verify token",
        401,
        "unauthorized",
        "the access token is not valid; sign in again with `zigttp login`",
    )
