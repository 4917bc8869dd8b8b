"""The database: one lazily created engine, a session per unit of work, the declarative base and
the Alembic upgrade. Every area (knowledge, petitions, applications, training, understanding) uses
this module; none reaches into another area's package for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from threading import Lock

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeMeta, Session, registry, sessionmaker

from bot.settings import PROJECT_ROOT, get_settings

# Stable constraint names so Alembic migrations work the same on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
mapper_registry = registry(metadata=metadata)


class Base(metaclass=DeclarativeMeta):
    """Declarative base written out (not declarative_base()) so type checkers understand it."""

    __abstract__ = True
    registry = mapper_registry
    metadata = mapper_registry.metadata
    __init__ = mapper_registry.constructor



def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


_engine: Engine | None = None
_factory: sessionmaker | None = None
_lock = Lock()


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, future=True, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 15}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    # hide_parameters: a failed INSERT of a petition must not put the citizen's phone in the logs.
    return create_engine(url, future=True, hide_parameters=True, pool_pre_ping=True, pool_size=5, max_overflow=10)


def get_engine() -> Engine:
    """The process-wide engine, created on first use from ``DATABASE_URL``."""
    global _engine, _factory
    with _lock:
        if _engine is None:
            _engine = _make_engine(get_settings().database_url)
            _register_versioning()
            _factory = sessionmaker(bind=_engine, future=True, expire_on_commit=False)
    return _engine


def reset_engine(url: str | None = None) -> Engine:
    """Replace the engine (tests and tools that point at another database)."""
    global _engine, _factory
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine = _make_engine(url or get_settings().database_url)
        _register_versioning()
        _factory = sessionmaker(bind=_engine, future=True, expire_on_commit=False)
    return _engine


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    get_engine()
    assert _factory is not None
    session: Session = _factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _register_versioning() -> None:
    # Imported here: the hooks need the models, which need this module's neighbours.
    from bot.understanding.versioning import register

    register()


def alembic_config() -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return cfg


def upgrade_to_head() -> None:
    """Apply all migrations to the configured database."""
    cfg = alembic_config()
    with get_engine().begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
