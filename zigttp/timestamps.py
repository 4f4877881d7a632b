"""RFC 3339 times as the control plane API writes them, read as Unix seconds."""

from __future__ import annotations

import datetime


def from_rfc3339(text: str) -> float:
    """Seconds since the epoch for `text`; a time with no offset is UTC.

    Raises ValueError when `text` is not an ISO 8601 / RFC 3339 time.
    """
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.timestamp()
