"""The first schema: accounts, tokens, device logins, projects, review, services."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String(40), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "accounts",
        _id(),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("namespace", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "access_tokens",
        _id(),
        sa.Column("account_id", sa.String(40), sa.ForeignKey("accounts.id")),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("last_used_at", sa.Float),
        sa.Column("revoked_at", sa.Float),
    )
    op.create_index("ix_access_tokens_account_id", "access_tokens", ["account_id"])
    op.create_table(
        "device_logins",
        _id(),
        sa.Column("device_code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_code", sa.String(16), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("account_id", sa.String(40), sa.ForeignKey("accounts.id")),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("last_poll_at", sa.Float),
    )
    op.create_table(
        "web_sessions",
        _id(),
        sa.Column("session_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("account_id", sa.String(40), sa.ForeignKey("accounts.id")),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "projects",
        _id(),
        sa.Column("account_id", sa.String(40), sa.ForeignKey("accounts.id")),
        sa.Column("name", sa.String(63), nullable=False),
        sa.Column("scope_id", sa.String(40), nullable=False, unique=True),
        sa.Column("hosting_plan", sa.String(40), nullable=False),
        sa.Column("baseline_contract", sa.Text),
        sa.Column("baseline_sha", sa.String(64)),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.UniqueConstraint("account_id", "name"),
    )
    op.create_index("ix_projects_account_id", "projects", ["account_id"])
    op.create_table(
        "plans",
        _id(),
        sa.Column("project_id", sa.String(40), sa.ForeignKey("projects.id")),
        sa.Column("baseline_sha", sa.String(64), nullable=False),
        sa.Column("proposed_sha", sa.String(64), nullable=False),
        sa.Column("proposed_contract", sa.Text, nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("covered", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("decided_at", sa.Float),
        sa.Column("decided_by", sa.String(40)),
    )
    op.create_index("ix_plans_project_id", "plans", ["project_id"])
    op.create_table(
        "grants",
        _id(),
        sa.Column("project_id", sa.String(40), sa.ForeignKey("projects.id")),
        sa.Column("plan_id", sa.String(40)),
        sa.Column("capabilities", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float),
        sa.Column("revoked_at", sa.Float),
    )
    op.create_index("ix_grants_project_id", "grants", ["project_id"])
    op.create_table(
        "registry_credentials",
        _id(),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(64), nullable=False),
        sa.Column("account_id", sa.String(40), sa.ForeignKey("accounts.id")),
        sa.Column("project_id", sa.String(40), sa.ForeignKey("projects.id")),
        sa.Column("namespace", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "services",
        _id(),
        sa.Column("project_id", sa.String(40), sa.ForeignKey("projects.id")),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("hostname", sa.String(253), nullable=False, unique=True),
        sa.Column("current_release_id", sa.String(40)),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.UniqueConstraint("project_id", "region"),
    )
    op.create_index("ix_services_project_id", "services", ["project_id"])
    op.create_table(
        "releases",
        _id(),
        sa.Column("service_id", sa.String(40), sa.ForeignKey("services.id")),
        sa.Column("digest", sa.String(71), nullable=False),
        sa.Column("env_sealed", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_releases_service_id", "releases", ["service_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("account_id", sa.String(40)),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
