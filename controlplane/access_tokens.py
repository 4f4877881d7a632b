"""Access tokens as the operator manages them: list them, revoke one.

Revoking a token also ends the browser sessions signed in with it, so a page
left open in a browser stops working at once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zigttp.controlplane import audit, web_sessions
from zigttp.controlplane.models import AccessToken, Account
from zigttp.errors import UsageError


@dataclass(frozen=True)
class TokenInfo:
    """What may be shown about a token: never the token, never its hash."""

    token_id: str
    email: str
    label: str
    created_at: float
    last_used_at: float | None
    revoked_at: float | None


@dataclass(frozen=True)
class Revoked:
    """The outcome of a revocation."""

    token: TokenInfo
    already: bool
    sessions_ended: int


def listed(session: Session, email: str | None = None) -> list[TokenInfo]:
    """Every token (revoked ones too), oldest first; only `email`'s when given."""
    query = (
        select(AccessToken, Account)
        .join(Account, AccessToken.account_id == Account.id)
        .order_by(AccessToken.created_at)
    )
    if email is not None:
        query = query.where(Account.email == email.strip().lower())
    return [_info(token, account) for token, account in session.execute(query)]


def revoke(session: Session, token_id: str) -> Revoked:
    """Revoke `token_id` and end its browser sessions; a UsageError if unknown."""
    token = session.get(AccessToken, token_id) if len(token_id) <= 40 else None
    account = session.get(Account, token.account_id) if token is not None else None
    if token is None or account is None:
        raise UsageError(
            f"there is no token {token_id[:40]!r}: list them with "
            "`zigttp control-plane token list`"
        )

    already = token.revoked_at is not None
    if not already:
        token.revoked_at = time.time()
        audit.record(session, "token.revoke", token.id, account.id, label=token.label)
    ended = web_sessions.end_for_token(session, token.id)
    return Revoked(_info(token, account), already, ended)


def _info(token: AccessToken, account: Account) -> TokenInfo:
    return TokenInfo(
        token_id=token.id,
        email=account.email,
        label=token.label,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )
