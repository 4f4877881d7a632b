"""The database: an engine for the configured URL, migrated to the newest schema."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from zigttp.errors import UsageError, ZigttpError

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


class Database:
    """One engine and a session factory; `transaction()` commits or rolls back."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Bring the schema up to the newest version; safe to run at every start."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except SQLAlchemyError as error:
            raise ZigttpError(
                f"migrating the control plane database: {error.__class__.__name__}: "
                f"{error}; check ZIGTTP_CP_DATABASE_URL and that the database is up"
            ) from error
        log.info("database schema is current")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_existing(url: str, where: str) -> Database:
    """The database of a control plane that has started before, or a UsageError.

    Commands that manage a control plane (tokens) must never create an empty
    database by mistake: its tokens would work nowhere.
    """
    missing = UsageError(
        f"{where} holds no control plane: pass the --data-dir (or "
        "ZIGTTP_CP_DATABASE_URL) that `zigttp control-plane dev` or `serve` uses"
    )
    if url.startswith("sqlite"):
        path = make_url(url).database
        if not path or not Path(path).is_file():
            raise missing

    database = Database(url)
    try:
        with database.engine.connect() as connection:
            found = inspect(connection).has_table("alembic_version")
    except SQLAlchemyError as error:
        database.close()
        raise ZigttpError(
            f"opening the control plane database: {error.__class__.__name__}; "
            "check ZIGTTP_CP_DATABASE_URL and that the database is up"
        ) from error
    if not found:
        database.close()
        raise missing
    return database


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)

    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}
    )

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine
