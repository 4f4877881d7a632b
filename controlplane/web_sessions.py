"""Browser sessions: a cookie made from an access token, ended by sign-out or revoke.

Only the cookie's hash is stored. A session is as good as the token it was made
from: revoking the token ends it, and so does signing out (the row is deleted,
not just the browser's cookie).
"""

from __future__ import annotations

import time

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from zigttp.controlplane import secret
from zigttp.controlplane.accounts import Caller
from zigttp.controlplane.models import AccessToken, Account, WebSession

SESSION_SECONDS = 12 * 3600
MAX_COOKIE = 100


def start(session: Session, caller: Caller) -> str:
    """A new session for `caller`, signed in with the token `caller.token_id`."""
    cookie = secret.new_secret()
    now = time.time()
    session.add(
        WebSession(
            id=secret.new_id("web"),
            session_hash=secret.digest(cookie),
            account_id=caller.account_id,
            token_id=caller.token_id,
            csrf_token=secret.new_secret(),
            created_at=now,
            expires_at=now + SESSION_SECONDS,
        )
    )
    return cookie


def signed_in(session: Session, cookie: str) -> Caller | None:
    """Who the cookie signs in, while it has not expired and its token is valid."""
    if not cookie or len(cookie) > MAX_COOKIE:
        return None

    row = session.scalar(
        select(WebSession).where(WebSession.session_hash == secret.digest(cookie))
    )
    if row is None or row.expires_at < time.time() or row.token_id is None:
        return None
    token = session.get(AccessToken, row.token_id)
    account = session.get(Account, row.account_id)
    if token is None or token.revoked_at is not None or account is None:
        return None
    return Caller(account.id, account.email, account.namespace, token.id)


def end(session: Session, cookie: str) -> None:
    """Sign out: the session stops working on the server, not just in the browser."""
    if cookie and len(cookie) <= MAX_COOKIE:
        session.execute(
            delete(WebSession).where(WebSession.session_hash == secret.digest(cookie))
        )


def end_for_token(session: Session, token_id: str) -> int:
    """End every browser session made from `token_id`; returns how many."""
    ended = session.execute(delete(WebSession).where(WebSession.token_id == token_id))
    return int(getattr(ended, "rowcount", 0) or 0)
