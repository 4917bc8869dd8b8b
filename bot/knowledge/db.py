"""One lazily created engine and a session per unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from threading import Lock

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import get_settings

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
