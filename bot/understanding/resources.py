"""Everything understanding needs in memory (lexicon, indexes, ranker), rebuilt when the data moves.

One ``Resources`` per data version. A process checks the version once per message (one indexed
read); when staff changed something it builds the new resources in a background thread and keeps
answering with the old ones until the new ones are ready, so nobody waits for a rebuild.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.settings import get_settings
from bot.understanding import store
from bot.understanding.index import ProcedureIndex
from bot.understanding.lexicon import Lexicon
from bot.understanding.ranker import Ranker
from bot.understanding.versioning import current

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resources:
    version: int
    lexicon: Lexicon
    procedures: ProcedureIndex
    faq: ProcedureIndex
    faq_items: dict[str, store.FaqItem]
    ranker: Ranker | None
    ranker_id: int | None
    built_seconds: float = 0.0


def build(*, session: Session, version: int | None = None, use_ranker: bool = True) -> Resources:
    """Read the data and build every index (a few seconds at several thousand procedures)."""
    started = time.monotonic()
    lexicon = Lexicon(store.load_lexicon(session=session))
    procedures = ProcedureIndex(store.load_procedure_docs(session=session), lexicon)
    faq_docs, faq_items = store.load_faq(session=session)
    faq = ProcedureIndex(faq_docs, lexicon)
    ranker, ranker_id = None, None
    stored = store.active_ranker(session=session) if use_ranker else None
    if stored is not None:
        try:
            ranker, ranker_id = Ranker.loads(stored[1]), stored[0]
        except (ValueError, AttributeError, ImportError, EOFError):
            logger.exception("the active ranker cannot be used; answering with retrieval scores until it is retrained")
    seconds = round(time.monotonic() - started, 2)
    logger.info("understanding resources built in %.2f s (%d procedures, ranker %s)", seconds, procedures.size, ranker_id)
    return Resources(
        version if version is not None else current(session), lexicon, procedures, faq, faq_items, ranker, ranker_id,
        seconds,
    )


class ResourceCache:
    """The process's resources; rebuilt in the background when the data version moves."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._resources: Resources | None = None
        self._building: int | None = None
        self._ready = threading.Event()

    def get(self, *, session: Session) -> Resources:
        version = current(session)
        res = self._resources
        if res is not None and res.version == version:
            return res
        if res is None:
            with self._lock:
                if self._resources is None or self._resources.version != version:
                    self._resources = build(session=session, version=version, use_ranker=_use_ranker())
                return self._resources
        self._rebuild_in_background(version)
        if get_settings().sync_rebuild:
            self._wait_for(version)
        return self._resources or res

    def _rebuild_in_background(self, version: int) -> None:
        with self._lock:
            if self._building is not None and self._building >= version:
                return
            self._building = version
            self._ready.clear()
        threading.Thread(target=self._rebuild, args=(version,), name="understanding-rebuild", daemon=True).start()

    def _rebuild(self, version: int) -> None:
        try:
            with session_scope() as session:
                fresh = build(session=session, version=current(session), use_ranker=_use_ranker())
            with self._lock:
                if self._resources is None or fresh.version >= self._resources.version:
                    self._resources = fresh
        except Exception:  # noqa: BLE001 - a failed rebuild keeps the old resources; the next message retries
            logger.exception("rebuilding the understanding resources failed; keeping version %s",
                             self._resources.version if self._resources else None)
        finally:
            with self._lock:
                if self._building == version:
                    self._building = None
            self._ready.set()

    def _wait_for(self, version: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            res = self._resources
            if res is not None and res.version >= version:
                return
            self._ready.wait(0.1)

    def clear(self) -> None:
        with self._lock:
            self._resources = None


def _use_ranker() -> bool:
    return get_settings().use_ranker


cache = ResourceCache()
