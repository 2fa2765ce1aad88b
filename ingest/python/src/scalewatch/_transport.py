"""What the sender thread expects of a transport (Kafka or HTTP)."""
from __future__ import annotations

from typing import List, Optional, Protocol

from ._spool import Entry


class Transport(Protocol):
    """Moves entries to ScaleWatch. Used by one thread at a time.

    ``submit`` hands entries over and returns those it could not take (the transport is down);
    outcomes arrive through ``poll``: delivered (acknowledged), failed (transport trouble: spool and
    retry) and rejected (invalid for the receiver: never retried).
    """

    name: str

    def submit(self, entries: List[Entry]) -> List[Entry]: ...

    def poll(self, timeout: float) -> "Outcomes": ...

    def in_flight(self) -> List[Entry]: ...

    def in_flight_count(self) -> int: ...

    def trouble(self) -> Optional[str]: ...

    def probe(self) -> bool: ...

    def abandon(self) -> List[Entry]: ...

    def close(self) -> None: ...


class Unavailable:
    """Stands in for a transport that could not start (e.g. confluent_kafka missing): takes nothing,
    so everything stays in the spool for ``scalewatch-sync`` or a later run."""

    def __init__(self, name: str, reason: str):
        self.name = name
        self._reason = reason

    def submit(self, entries: List[Entry]) -> List[Entry]:
        return list(entries)

    def poll(self, timeout: float) -> "Outcomes":
        return Outcomes()

    def in_flight(self) -> List[Entry]:
        return []

    def in_flight_count(self) -> int:
        return 0

    def trouble(self) -> Optional[str]:
        return self._reason

    def probe(self) -> bool:
        return False

    def abandon(self) -> List[Entry]:
        return []

    def close(self) -> None:
        pass


class Outcomes:
    """Results collected since the last poll."""

    __slots__ = ("delivered", "failed", "rejected")

    def __init__(self) -> None:
        self.delivered: List[Entry] = []
        self.failed: List[Entry] = []
        self.rejected: List[Entry] = []

    def take(self) -> "Outcomes":
        taken = Outcomes()
        taken.delivered, self.delivered = self.delivered, []
        taken.failed, self.failed = self.failed, []
        taken.rejected, self.rejected = self.rejected, []
        return taken
