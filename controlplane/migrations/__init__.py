"""Alembic environment and schema versions, run programmatically at start."""
