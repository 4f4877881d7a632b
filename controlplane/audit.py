"""The audit log: who approved, granted, released or used a token, and when."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zigttp.controlplane.models import AuditEvent

log = logging.getLogger(__name__)


def record(
    session: Session,
    action: str,
    subject: str,
    account_id: str | None = None,
    **detail: Any,
) -> None:
    """Add one event in the caller's transaction; never pass secret values here."""
    session.add(
        AuditEvent(
            at=time.time(),
            account_id=account_id,
            action=action,
            subject=subject,
            detail=json.dumps(detail, sort_keys=True),
        )
    )
    log.info("audit %s %s", action, subject)


def events(session: Session, limit: int = 200) -> list[dict[str, Any]]:
    """The newest events first, as JSON-ready dicts."""
    rows = session.scalars(
        select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    )
    return [
        {
            "at": row.at,
            "accountId": row.account_id,
            "action": row.action,
            "subject": row.subject,
            "detail": json.loads(row.detail),
        }
        for row in rows
    ]
