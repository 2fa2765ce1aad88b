"""``init`` and ``Run``: the API a training loop calls."""
from __future__ import annotations

import atexit
import logging
import secrets
import threading
import time
from typing import Any, Dict, Mapping, Optional

from . import _events as ev
from ._config import Settings
from ._errors import InvalidEventError, RunClosedError
from ._sender import Sender
from ._spool import open_for_run
from ._transport import Transport

log = logging.getLogger("scalewatch")

FINAL_STATUSES = ("FINISHED", "FAILED", "KILLED")


def _transport_factory(settings: Settings):
    def make() -> Transport:
        if settings.transport == "http":
            from ._http import HttpTransport
            return HttpTransport(settings)
        from ._kafka import KafkaTransport
        return KafkaTransport(settings)
    return make


def new_run_id() -> str:
    """A unique, sortable run id: UTC start time plus 8 random hex digits."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(4)


class Run:
    """One training run. ``log`` and ``log_eval`` return at once; a background thread sends.

    Thread-safe: several threads may log to one run. Programming errors (wrong types, missing or
    negative steps) raise InvalidEventError at the call; transport trouble never raises here, it is
    logged and the events are spooled. Use as a context manager, or call ``finish``.
    """

    def __init__(self, project: str, run_id: str, settings: Settings, run_fields: Dict[str, Any]):
        self._project = project
        self._run_id = run_id
        self._settings = settings
        self._run_fields = run_fields
        self._lock = threading.Lock()
        self._closed = False
        spool, leftovers = open_for_run(settings.spool_dir, project, run_id)
        self._sender = Sender(f"scalewatch-{run_id}", _transport_factory(settings), spool, leftovers,
                              settings.max_batch, settings.flush_timeout)
        self._started_at = ev.now_ms()
        self._sender.put(ev.RUN, [ev.run_event(project, run_id, "RUNNING", started_at=self._started_at,
                                               **run_fields)])
        self._sender.start()
        _live_runs.add(self)

    @property
    def project(self) -> str:
        return self._project

    @property
    def run_id(self) -> str:
        return self._run_id

    @property
    def settings(self) -> Settings:
        return self._settings

    def log(self, metrics: Mapping[str, Any], step: int, tokens: Any = None, *, flops: Any = None,
            split: Optional[str] = None) -> None:
        """Logs one value per metric name at ``step``: one MetricPoint each.

        ``tokens`` is the number of training tokens seen (integral floats such as 2.1e9 are fine),
        ``flops`` the compute spent so far. ``split`` defaults from the name: ``val/``, ``valid/`` and
        ``validation/`` give "validation", ``eval/`` "eval", ``test/`` "test", anything else "train".
        NaN and infinite values are data (the divergence signal) and are sent as they are.
        """
        points = ev.metric_events(self._project, self._run_id, metrics, step, tokens, flops, split)
        self._put(ev.METRIC, points)

    def log_eval(self, task: str, metric: str, value: Any, step: int, *, stderr: Any = None,
                 sample_count: Any = None, shots: Any = None, tokens: Any = None, flops: Any = None) -> None:
        """Logs one downstream evaluation result (an EvalResult) of the checkpoint at ``step``."""
        result = ev.eval_event(self._project, self._run_id, task, metric, value, step, stderr=stderr,
                               sample_count=sample_count, shots=shots, tokens=tokens, flops=flops)
        self._put(ev.EVAL, [result])

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Waits until everything logged so far is acknowledged (or spooled, while offline).

        Returns False if ``timeout`` seconds passed first.
        """
        return self._sender.flush(timeout)

    def finish(self, status: str = "finished", timeout: Optional[float] = None) -> None:
        """Sends the final Run record (FINISHED, FAILED or KILLED), flushes and stops the sender.

        Waits at most the flush timeout (init's ``flush_timeout``, default 30 s) for acknowledgements;
        what is still unacknowledged then stays in the spool. A second call does nothing.
        """
        final = status.upper() if isinstance(status, str) else status
        if final not in FINAL_STATUSES:
            raise InvalidEventError(f"status must be one of finished, failed, killed: {status!r}")
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._sender.put(ev.RUN, [ev.run_event(self._project, self._run_id, final,
                                                   started_at=self._started_at, ended_at=ev.now_ms(),
                                                   **self._run_fields)])
        self._sender.stop(timeout)
        _live_runs.discard(self)

    def close(self, timeout: Optional[float] = None) -> None:
        """Flushes and stops without a final status (what happens at interpreter exit)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._sender.stop(timeout)
        _live_runs.discard(self)

    def stats(self) -> Dict[str, Any]:
        """Counters for monitoring the SDK itself: queued, delivered, rejected, spooled, backlog, online."""
        return self._sender.stats()

    def _put(self, kind: str, events: list) -> None:
        with self._lock:
            if self._closed:
                raise RunClosedError(f"run {self._run_id!r} is finished; start a new one with scalewatch.init")
            self._sender.put(kind, events)

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self.finish("finished")
        elif issubclass(kind, KeyboardInterrupt):
            self.finish("killed")
        else:
            self.finish("failed")

    def __repr__(self) -> str:
        return f"Run(project={self._project!r}, run_id={self._run_id!r}, transport={self._settings.transport!r})"


_live_runs: "set[Run]" = set()  # strong references: an unfinished run is flushed at exit even if dropped


@atexit.register
def _close_live_runs() -> None:
    for run in list(_live_runs):
        run.close()


def init(project: str, run_id: Optional[str] = None, params: Optional[int] = None,
         tokens_planned: Optional[int] = None, config: Optional[Mapping[str, Any]] = None, *,
         name: Optional[str] = None, model_family: Optional[str] = None,
         non_embedding_params: Optional[int] = None, dataset: Optional[str] = None,
         tags: Optional[Mapping[str, Any]] = None, transport: Optional[str] = None,
         bootstrap_servers: Optional[str] = None, registry_url: Optional[str] = None,
         gateway_url: Optional[str] = None, token: Optional[str] = None, spool_dir: Optional[str] = None,
         producer_config: Optional[Mapping[str, Any]] = None, flush_timeout: float = 30.0,
         max_batch: int = 5000) -> Run:
    """Starts a run and sends its Run record (status RUNNING); returns the Run to log to.

    ``params`` is the total parameter count, ``tokens_planned`` the planned training tokens,
    ``config`` the hyperparameters (nested dicts flattened to dotted keys, values as text).
    Connection settings come from the arguments, and the ``SCALEWATCH_*`` environment variables
    override them (see README). Raises ConfigurationError or InvalidEventError on bad arguments
    (including what the normalizer would dead-letter: a name with a control character, a name over
    256 characters, hyperparameters or tags over 1000 entries or 256 KiB); never for an unreachable
    broker or gateway.
    """
    project = ev.text("project", project)
    run_id = new_run_id() if run_id is None else ev.text("run_id", run_id)
    settings = Settings.resolve(
        transport=transport, bootstrap_servers=bootstrap_servers, registry_url=registry_url,
        gateway_url=gateway_url, token=token, spool_dir=spool_dir, producer_config=producer_config,
        flush_timeout=flush_timeout, max_batch=max_batch)
    run_fields = {
        "name": ev.optional_text("name", name),
        "model_family": ev.optional_text("model_family", model_family),
        "parameters": ev.count("params", params),
        "non_embedding_parameters": ev.count("non_embedding_params", non_embedding_params),
        "planned_tokens": ev.count("tokens_planned", tokens_planned),
        "dataset": ev.optional_text("dataset", dataset),
        "hyperparameters": ev.flatten("config", config),
        "tags": ev.flatten("tags", tags),
    }
    ev.check_run(project, run_id, run_fields)
    return Run(project, run_id, settings, run_fields)
