"""Browser sessions remember the access token they were made from.

Revoking that token then ends them. Sessions made before this version cannot
be traced to a token, so they are ended here; people sign in again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.execute("DELETE FROM web_sessions")
    op.add_column("web_sessions", sa.Column("token_id", sa.String(40)))
    op.create_index("ix_web_sessions_token_id", "web_sessions", ["token_id"])
