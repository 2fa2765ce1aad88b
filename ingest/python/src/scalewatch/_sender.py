"""The background thread of a run: batches events, hands them to the transport, spools on trouble.

The training thread only enqueues (``put``); this thread owns the transport and the spool. While the
transport is up, events go straight to it and the spool stays empty. When it reports trouble
(all brokers down, no acknowledgement for a while, gateway unreachable or 5xx), the events in flight
and everything logged afterwards are appended to the spool; the thread probes with backoff and, once
the transport answers again, replays the spool (oldest first) before new events. Acknowledged spool
entries are marked and the file disappears when nothing is left. Nothing here raises into the
training loop: trouble is logged.
"""
from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from typing import Any, Callable, Deque, Dict, List, Optional

from ._spool import Entry, Spool
from ._transport import Outcomes, Transport, Unavailable

log = logging.getLogger("scalewatch")

MAX_IN_FLIGHT = 200_000  # replay pauses above this many unacknowledged events
BACKOFF_START, BACKOFF_MAX = 0.5, 5.0  # seconds between probes while offline, doubling
SUMMARY_SECONDS = 60.0  # while an outage lasts, one summary line this often; a new outage within it is not logged


class _Flush:
    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done = threading.Event()


_STOP = object()


class Sender(threading.Thread):
    """Owns one run's transport and spool. ``put`` and ``flush`` may be called from any thread."""

    def __init__(self, name: str, make_transport: Callable[[], Transport], spool: Spool,
                 leftovers: List[Entry], max_batch: int, flush_timeout: float):
        super().__init__(name=name, daemon=True)
        self._make_transport = make_transport
        self._transport: Transport = Unavailable("unstarted", "not started yet")
        self._spool = spool
        self._backlog: Deque[Entry] = collections.deque(leftovers)
        self._seq = spool.max_seq
        self._queue: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
        self._max_batch = max_batch
        self._flush_timeout = flush_timeout
        self._online = True
        self._outage_started: Optional[float] = None  # offline since the last delivery
        self._outage_logged = False  # its start (or a summary) was logged: its end will be too
        self._outage_reason = ""
        self._outage_spooled = 0  # counts["spooled"] when it started
        self._next_summary = 0.0
        self._last_warning = -SUMMARY_SECONDS
        self._backoff = BACKOFF_START
        self._next_probe = 0.0
        self._flushes: List[_Flush] = []
        self._stopping = False
        self._spool_failed = False
        self.counts: Dict[str, int] = {"queued": 0, "delivered": 0, "rejected": 0, "spooled": 0}
        if leftovers:
            log.info("scalewatch: %d undelivered events from an earlier process found in %s; replaying",
                     len(leftovers), spool.path)

    # -- training-thread side -------------------------------------------------------------------
    def put(self, kind: str, events: List[Dict[str, Any]]) -> None:
        self.counts["queued"] += len(events)
        self._queue.put((kind, events))

    def flush(self, timeout: Optional[float]) -> bool:
        """Waits until what was put so far is delivered, rejected or (if offline) spooled."""
        marker = _Flush()
        self._queue.put(marker)
        return marker.done.wait(timeout)

    def stop(self, timeout: Optional[float] = None) -> None:
        self._queue.put(_STOP)
        self.join(timeout)

    def stats(self) -> Dict[str, Any]:
        return {**self.counts, "online": self._online, "backlog": len(self._backlog),
                "in_flight": self._transport.in_flight_count(),
                "spool_file": str(self._spool.path) if self._spool.is_open else None}

    # -- sender thread --------------------------------------------------------------------------
    def run(self) -> None:
        try:
            self._transport = self._make_transport()
        except Exception as e:  # e.g. confluent_kafka not importable: keep everything on disk
            log.error("scalewatch: cannot start the transport (%s); events are spooled to %s", e, self._spool.path)
            self._transport = Unavailable("unavailable", f"cannot start: {e}")
            self._online = False
            self._next_probe = float("inf")
        failures = 0
        while not self._stopping:
            try:
                self._step(block=not self._backlog or not self._online)
            except Exception:  # a bug here must not end the thread: events would pile up unsent
                failures += 1
                log.log(logging.ERROR if failures == 1 else logging.DEBUG,
                        "scalewatch: sender step failed (%d so far); retrying", failures, exc_info=True)
                time.sleep(0.1)
        try:
            self._shutdown()
        except Exception:
            log.exception("scalewatch: closing failed; undelivered events may be left in %s", self._spool.path)
        finally:
            for marker in self._flushes:
                marker.done.set()

    def _step(self, block: bool) -> None:
        entries = self._take(0.05 if block else 0.0)
        if entries:
            self._dispatch(entries)
        self._pump(0.0)
        now = time.monotonic()
        if not self._online and now >= self._next_probe:
            self._probe(now)
        if self._outage_started is not None and now >= self._next_summary:
            self._summarize(now)
        if self._online and self._backlog:
            self._replay()
        self._finish_flushes()

    def _take(self, timeout: float) -> List[Entry]:
        items: List[Entry] = []
        try:
            item = self._queue.get(timeout=timeout) if timeout > 0 else self._queue.get_nowait()
        except queue.Empty:
            return items
        while True:
            if item is _STOP:
                self._stopping = True
            elif isinstance(item, _Flush):
                self._flushes.append(item)
            else:
                kind, events = item
                for event in events:
                    self._seq += 1
                    items.append(Entry(self._seq, kind, event))
            if len(items) >= self._max_batch:
                break
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
        return items

    def _dispatch(self, entries: List[Entry]) -> None:
        if self._online and not self._backlog:
            left = self._transport.submit(entries)
            if left:
                self._to_backlog(left)
                self._offline(self._transport.trouble() or "transport refused events")
        else:
            self._to_backlog(entries)

    def _replay(self) -> None:
        if self._transport.in_flight_count() > MAX_IN_FLIGHT:
            return
        chunk = [self._backlog.popleft() for _ in range(min(self._max_batch, len(self._backlog)))]
        left = self._transport.submit(chunk)
        if left:
            self._backlog.extendleft(reversed(left))
            self._offline(self._transport.trouble() or "transport refused events")
        elif not self._backlog:
            log.info("scalewatch: spool replayed")

    def _pump(self, timeout: float) -> None:
        self._handle(self._transport.poll(timeout))
        if self._online:
            reason = self._transport.trouble()
            if reason:
                self._offline(reason)

    def _handle(self, outcomes: Outcomes) -> None:
        acked = [e.seq for e in outcomes.delivered if e.spooled]
        acked += [e.seq for e in outcomes.rejected if e.spooled]
        self.counts["delivered"] += len(outcomes.delivered)
        self.counts["rejected"] += len(outcomes.rejected)
        if outcomes.delivered:
            if not self._online:
                self._reconnected()
            self._backoff = BACKOFF_START
            if self._outage_started is not None:
                log.log(logging.WARNING if self._outage_logged else logging.DEBUG,
                        "scalewatch: %s transport delivers again after %.0f s; %d spooled events to replay",
                        self._transport.name, time.monotonic() - self._outage_started, len(self._backlog))
                self._outage_started = None
        if outcomes.failed:
            self._to_backlog(outcomes.failed)
            self._offline(self._transport.trouble() or "delivery failed")
        if acked:
            self._spool.acknowledge(acked)

    def _to_backlog(self, entries: List[Entry]) -> None:
        self._write(entries)
        self._backlog.extend(entries)

    def _write(self, entries: List[Entry]) -> None:
        before = self._spool.written
        try:
            self._spool.append(entries)
        except OSError as e:
            if not self._spool_failed:
                log.error("scalewatch: cannot write spool %s (%s): undelivered events are kept in memory only",
                          self._spool.path, e)
                self._spool_failed = True
        self.counts["spooled"] += self._spool.written - before

    def _offline(self, reason: str) -> None:
        if not self._online:
            return
        self._online = False
        now = time.monotonic()
        self._next_probe = now + self._backoff
        self._backoff = min(self._backoff * 2, BACKOFF_MAX)
        self._outage_reason = reason
        if self._outage_started is None:
            # One line when an outage starts (none if one was reported less than a minute ago: a
            # flapping broker), a summary a minute while it lasts, one line when delivery resumes.
            self._outage_started = now
            self._outage_spooled = self.counts["spooled"]
            self._next_summary = now + SUMMARY_SECONDS
            self._outage_logged = now - self._last_warning >= SUMMARY_SECONDS
            log.log(logging.WARNING if self._outage_logged else logging.DEBUG,
                    "scalewatch: %s transport unavailable (%s); spooling to %s until it answers "
                    "(a summary each minute while it lasts)", self._transport.name, reason, self._spool.path)
            if self._outage_logged:
                self._last_warning = now
        else:
            log.debug("scalewatch: %s transport unavailable again (%s)", self._transport.name, reason)
        self._write(self._transport.in_flight())  # on disk in case the process ends first

    def _summarize(self, now: float) -> None:
        assert self._outage_started is not None
        reason = (None if self._online else self._transport.trouble()) or self._outage_reason
        log.warning("scalewatch: %s transport unavailable for %.0f s (%s); %d events spooled to %s meanwhile, "
                    "%d waiting", self._transport.name, now - self._outage_started, reason,
                    self.counts["spooled"] - self._outage_spooled, self._spool.path, len(self._backlog))
        self._outage_logged = True
        self._last_warning = now
        self._next_summary = now + SUMMARY_SECONDS

    def _probe(self, now: float) -> None:
        if self._transport.probe():
            self._reconnected()
        else:
            self._next_probe = time.monotonic() + self._backoff
            self._backoff = min(self._backoff * 2, BACKOFF_MAX)

    def _reconnected(self) -> None:
        if not self._online:
            log.debug("scalewatch: %s transport answers; replaying %d spooled events",
                     self._transport.name, len(self._backlog))
        self._online = True

    def _finish_flushes(self) -> None:
        if self._flushes and self._queue.empty() and (not self._online or not self._backlog):
            if not self._online or not self._transport.in_flight_count():
                for marker in self._flushes:
                    marker.done.set()
                self._flushes.clear()

    def _shutdown(self) -> None:
        deadline = time.monotonic() + self._flush_timeout
        if not self._online:
            self._probe(time.monotonic())
        while self._online and time.monotonic() < deadline:
            if self._backlog:
                self._replay()
            if not self._backlog and not self._transport.in_flight_count():
                break
            self._pump(0.05)
        left = self._transport.abandon()
        self._handle(self._transport.poll(0))
        self._to_backlog(left)
        self._transport.close()
        for marker in self._flushes:
            marker.done.set()
        pending = self._spool.pending_count()
        self._spool.close()
        if pending:
            log.warning("scalewatch: %d events could not be delivered and are kept in %s; the next run with "
                        "this run id, or `scalewatch-sync`, sends them", pending, self._spool.path)
        elif self._backlog and self._spool_failed:
            log.error("scalewatch: %d events were lost: the spool could not be written", len(self._backlog))
