"""Append-only spool files: events kept on local disk until a transport acknowledges them.

One file per run: ``<spool_dir>/<project>/<run_id>.spool`` (names percent-encoded). Each line is
JSON: an event ``{"seq": n, "kind": "metric", "event": {...}}`` or an acknowledgement
``{"acked": [[first, last], ...]}`` of sequence ranges. A file whose events are all acknowledged is
deleted. An exclusive ``flock`` marks a file as owned by a live run or by ``scalewatch-sync``; others
skip it. A torn last line (a crash while writing) is ignored when loading.

Not thread-safe: one sender thread owns a spool.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
from pathlib import Path
from typing import IO, Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple
from urllib.parse import quote

log = logging.getLogger("scalewatch")

SUFFIX = ".spool"


class Entry:
    """One event with its sequence number within the run's spool."""

    __slots__ = ("seq", "kind", "event", "spooled")

    def __init__(self, seq: int, kind: str, event: Dict[str, Any], spooled: bool = False):
        self.seq = seq
        self.kind = kind
        self.event = event
        self.spooled = spooled

    def __repr__(self) -> str:
        return f"Entry(seq={self.seq}, kind={self.kind!r}, spooled={self.spooled})"


class SpoolBusy(Exception):
    """Another process holds the spool file."""


def _ranges(seqs: Iterable[int]) -> List[List[int]]:
    out: List[List[int]] = []
    for seq in sorted(seqs):
        if out and seq == out[-1][1] + 1:
            out[-1][1] = seq
        else:
            out.append([seq, seq])
    return out


class Spool:
    """The spool file of one run; created on first write, deleted once everything in it is acked."""

    def __init__(self, path: Path):
        self.path = path
        self._file: Optional[IO[str]] = None
        self._unacked: Dict[int, Entry] = {}
        self.max_seq = 0
        self.written = 0

    @staticmethod
    def for_run(directory: Path, project: str, run_id: str) -> "Spool":
        return Spool(directory / quote(project, safe="") / (quote(run_id, safe="") + SUFFIX))

    @staticmethod
    def files(directory: Path) -> Iterator[Path]:
        if directory.is_dir():
            yield from sorted(directory.glob("*/*" + SUFFIX))

    # -- ownership -----------------------------------------------------------------------------
    def open(self) -> List[Entry]:
        """Locks the file (creating it) and returns its unacknowledged entries, oldest first.

        Raises SpoolBusy if another process holds it.
        """
        if self._file is not None:
            return self.pending()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        f = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            raise SpoolBusy(str(self.path)) from None
        self._file = f
        f.seek(0)
        acked: Set[int] = set()
        for number, line in enumerate(f, 1):
            try:
                record = json.loads(line)
                if "acked" in record:
                    for first, last in record["acked"]:
                        acked.update(range(first, last + 1))
                else:
                    entry = Entry(int(record["seq"]), record["kind"], record["event"], spooled=True)
                    self._unacked[entry.seq] = entry
                    self.max_seq = max(self.max_seq, entry.seq)
            except (ValueError, KeyError, TypeError):
                log.warning("scalewatch: skipping unreadable line %d of spool %s", number, self.path)
        for seq in acked:
            self._unacked.pop(seq, None)
        f.seek(0, os.SEEK_END)
        if f.tell() > 0 and not self._unacked:
            self._rewrite_empty()
        return self.pending()

    @property
    def is_open(self) -> bool:
        return self._file is not None

    def close(self) -> None:
        """Releases the lock; deletes the file if nothing in it waits for an acknowledgement."""
        if self._file is None:
            return
        if not self._unacked:
            self._delete()
        self._file.close()
        self._file = None

    # -- contents ------------------------------------------------------------------------------
    def pending(self) -> List[Entry]:
        return sorted(self._unacked.values(), key=lambda e: e.seq)

    def pending_count(self) -> int:
        return len(self._unacked)

    def append(self, entries: List[Entry]) -> None:
        """Writes entries not yet in the file; raises OSError if the disk refuses."""
        fresh = [e for e in entries if not e.spooled]
        if not fresh:
            return
        if self._file is None:
            try:
                self.open()
            except SpoolBusy:
                self.path = _side_path(self.path)
                log.warning("scalewatch: spool is held by another process; spooling to %s", self.path)
                self.open()
        lines = [json.dumps({"seq": e.seq, "kind": e.kind, "event": e.event}, separators=(",", ":"))
                 for e in fresh]
        self._write("\n".join(lines) + "\n")
        for e in fresh:
            e.spooled = True
            self._unacked[e.seq] = e
            if e.seq > self.max_seq:
                self.max_seq = e.seq
        self.written += len(fresh)

    def acknowledge(self, seqs: Iterable[int]) -> None:
        """Marks entries as delivered (or as rejected for good); deletes the file when none is left."""
        done = [s for s in seqs if s in self._unacked]
        if not done or self._file is None:
            return
        for s in done:
            del self._unacked[s]
        if not self._unacked:
            self._rewrite_empty()
            return
        self._write(json.dumps({"acked": _ranges(done)}, separators=(",", ":")) + "\n")

    def _write(self, text: str) -> None:
        assert self._file is not None, "spool not open"
        self._file.write(text)
        self._file.flush()

    def _rewrite_empty(self) -> None:
        assert self._file is not None, "spool not open"
        self._file.seek(0)
        self._file.truncate()
        self._file.flush()

    def _delete(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


def open_for_run(directory: Path, project: str, run_id: str) -> Tuple[Spool, List[Entry]]:
    """The run's spool with its leftovers; a fresh side file if another process holds the usual one."""
    spool = Spool.for_run(directory, project, run_id)
    if not spool.path.exists():
        return spool, []
    try:
        return spool, spool.open()
    except SpoolBusy:
        side = _side_path(spool.path)
        log.warning("scalewatch: spool %s is held by another process; this run spools to %s", spool.path, side)
        return Spool(side), []


def _side_path(path: Path) -> Path:
    return path.with_name(path.name[: -len(SUFFIX)] + "." + secrets.token_hex(4) + SUFFIX)
