"""HTTP transport to the ScaleWatch gateway, standard library only.

``POST {url}/v1/runs|metrics|evals`` with a JSON array of events and ``Authorization: Bearer``.
200: all accepted. 400: the events named in ``errors`` are invalid (logged, never retried), the
rest accepted. 413: the batch is split in halves. 401/403, other 4xx, 5xx and connection errors:
transport trouble, the batch is spooled and retried later. The token never appears in logs.
Not thread-safe: the sender thread owns it.
"""
from __future__ import annotations

import json
import logging
import socket
import urllib.error
import urllib.request
from typing import Any, List, Optional, Tuple

from ._config import Settings
from ._events import to_gateway_json
from ._spool import Entry
from ._transport import Outcomes

log = logging.getLogger("scalewatch")

PATHS = {"run": "/v1/runs", "metric": "/v1/metrics", "eval": "/v1/evals"}
MAX_EVENTS = 10_000
MAX_BYTES = 4 * 1024 * 1024 - 64 * 1024  # the gateway's 4 MiB, with room for headers
TIMEOUT = 15.0


class GatewayDown(Exception):
    """The gateway could not take a batch (connection error, 5xx, refused token)."""


class HttpTransport:
    """Posts batches synchronously; results are available from ``poll`` right after ``submit``."""

    name = "http"

    def __init__(self, settings: Settings, max_events: int = MAX_EVENTS, max_bytes: int = MAX_BYTES):
        assert settings.gateway_url and settings.token
        self._url = settings.gateway_url
        self._authorization = "Bearer " + settings.token
        self._max_events = min(max_events, settings.max_batch)
        self._max_bytes = max_bytes
        self._outcomes = Outcomes()
        self._down: Optional[str] = None

    def __repr__(self) -> str:
        return f"HttpTransport(url={self._url!r})"

    def submit(self, entries: List[Entry]) -> List[Entry]:
        position = 0
        while position < len(entries):
            kind = entries[position].kind
            end = position
            while end < len(entries) and entries[end].kind == kind and end - position < self._max_events:
                end += 1
            try:
                self._post(kind, entries[position:end])
            except GatewayDown as e:
                self._down = str(e)
                done = {id(x) for x in self._outcomes.delivered}
                done.update(id(x) for x in self._outcomes.rejected)
                return [x for x in entries[position:] if id(x) not in done]
            position = end
        self._down = None
        return []

    def _post(self, kind: str, batch: List[Entry]) -> None:
        body = json.dumps([to_gateway_json(kind, e.event) for e in batch], separators=(",", ":"),
                          allow_nan=False).encode()
        if len(body) > self._max_bytes and len(batch) > 1:
            self._split(kind, batch)
            return
        status, answer = self._request(PATHS[kind], body)
        if status == 200:
            self._outcomes.delivered.extend(batch)
        elif status == 400:
            self._partial(kind, batch, answer)
        elif status == 413 and len(batch) > 1:
            self._split(kind, batch)
        elif status == 413:
            log.error("scalewatch: gateway refused a single %s event as too large; dropped", kind)
            self._outcomes.rejected.extend(batch)
        elif status in (401, 403):
            raise GatewayDown(f"gateway {self._url} refused the token ({status}): "
                              f"check SCALEWATCH_TOKEN belongs to project {batch[0].event['project']!r}")
        else:
            raise GatewayDown(f"gateway {self._url}{PATHS[kind]} answered {status}: {_snippet(answer)}")

    def _split(self, kind: str, batch: List[Entry]) -> None:
        half = len(batch) // 2
        self._post(kind, batch[:half])
        self._post(kind, batch[half:])

    def _partial(self, kind: str, batch: List[Entry], answer: Any) -> None:
        errors = answer.get("errors") if isinstance(answer, dict) else None
        if not isinstance(errors, list):
            log.error("scalewatch: gateway refused a batch of %d %s events (400): %s; dropped",
                      len(batch), kind, _snippet(answer))
            self._outcomes.rejected.extend(batch)
            return
        invalid = set()
        for error in errors:
            index = error.get("index") if isinstance(error, dict) else None
            if isinstance(index, int) and 0 <= index < len(batch):
                invalid.add(index)
                if len(invalid) <= 5:
                    log.error("scalewatch: gateway rejected %s event (step %s, %s): field %s: %s; dropped",
                              kind, batch[index].event.get("step"), batch[index].event.get("metric"),
                              error.get("field"), error.get("message"))
        if not invalid:  # an error about the whole batch (not JSON, not an array): nothing was accepted
            log.error("scalewatch: gateway refused a batch of %d %s events (400): %s; dropped",
                      len(batch), kind, _snippet(answer))
            self._outcomes.rejected.extend(batch)
            return
        if len(invalid) > 5:
            log.error("scalewatch: gateway rejected %d %s events of a batch of %d in all", len(invalid),
                      kind, len(batch))
        for index, entry in enumerate(batch):
            (self._outcomes.rejected if index in invalid else self._outcomes.delivered).append(entry)

    def _request(self, path: str, body: bytes) -> Tuple[int, Any]:
        request = urllib.request.Request(self._url + path, data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": self._authorization})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.status, _json(response.read())
        except urllib.error.HTTPError as e:
            with e:
                return e.code, _json(e.read())
        except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise GatewayDown(f"gateway {self._url} unreachable: {reason}") from None

    def poll(self, timeout: float) -> Outcomes:
        return self._outcomes.take()

    def in_flight(self) -> List[Entry]:
        return []

    def in_flight_count(self) -> int:
        return 0

    def trouble(self) -> Optional[str]:
        return self._down

    def probe(self) -> bool:
        """True if ``GET {url}/health`` answers 200, or 404 (a gateway without a health endpoint)."""
        try:
            with urllib.request.urlopen(self._url + "/health", timeout=5) as response:
                return response.status == 200
        except urllib.error.HTTPError as e:
            e.close()
            return e.code == 404
        except (urllib.error.URLError, socket.timeout, ConnectionError, OSError):
            return False

    def abandon(self) -> List[Entry]:
        return []

    def close(self) -> None:
        pass


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw[:200].decode("utf-8", "replace")


def _snippet(answer: Any) -> str:
    text = answer if isinstance(answer, str) else json.dumps(answer)
    return text[:200]
