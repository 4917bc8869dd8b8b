"""Stand-ins for Rasa in pipeline tests: model archives with real metadata, and a Rasa HTTP API fake."""

from __future__ import annotations

import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web


def write_fake_model(path: Path, model_id: str) -> Path:
    """A .tar.gz laid out like a Rasa model as far as metadata goes (what /status reports)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"model_id": model_id, "assistant_id": "test"}).encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    return path


def read_model_id(path: str) -> str:
    with tarfile.open(path, "r:gz") as tar:
        fh = tar.extractfile("metadata.json")
        assert fh is not None
        return str(json.load(fh)["model_id"])


@dataclass
class FakeRasaServer:
    """``PUT /model`` loads the archive it is given (reads its metadata, as Rasa does); ``GET /status``."""

    token: str = ""
    model_id: str = "old-model"
    loads: list[str] = field(default_factory=list)
    report_id: str | None = None  # when set, /status reports this instead of the loaded id

    def _authorised(self, request: web.Request) -> bool:
        return not self.token or request.query.get("token") == self.token

    async def put_model(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"message": "unauthorised"}, status=401)
        body = await request.json()
        try:
            self.model_id = read_model_id(body["model_file"])
        except (OSError, KeyError, tarfile.TarError) as exc:
            return web.json_response({"message": str(exc)}, status=500)
        self.loads.append(body["model_file"])
        return web.Response(status=204)

    async def status(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"message": "unauthorised"}, status=401)
        return web.json_response({"model_id": self.report_id or self.model_id, "model_file": "x.tar.gz"})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_put("/model", self.put_model)
        app.router.add_get("/status", self.status)
        return app
