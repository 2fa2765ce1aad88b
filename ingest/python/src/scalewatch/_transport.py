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
