"""Kafka transport: RawEvent records in the Confluent wire format to ``scalewatch.raw``, key = run id.

confluent_kafka is imported here only, so the HTTP transport works with the standard library alone.
Not thread-safe: the sender thread owns it.
"""
from __future__ import annotations

import logging
import time
from functools import partial
from typing import Any, Dict, List, Optional

from ._config import Settings
from ._schema import BRANCHES, RAW_TOPIC, raw_event_schema
from ._spool import Entry
from ._transport import Outcomes

log = logging.getLogger("scalewatch")

PRODUCER_DEFAULTS: Dict[str, Any] = {
    "enable.idempotence": True,
    "linger.ms": 10,
    "batch.num.messages": 10000,
    "batch.size": 1_000_000,
    "compression.type": "lz4",
    "queue.buffering.max.messages": 500_000,
    "message.timeout.ms": 120_000,
    "reconnect.backoff.max.ms": 1000,
}
STALL_SECONDS = 15.0  # in-flight events without any acknowledgement for this long: the broker is down
# What a ScaleWatch broker answers while it refuses new events (its disk is nearly full): not the
# event's fault, so it is kept and sent again later.
REFUSED = ("the broker refuses writes to scalewatch.raw (a ScaleWatch stack does this while the disk of "
           "its data directory is nearly full; see its /health)")
SENT, REJECTED = "sent", "rejected"  # outcomes of _produce besides a reason to wait
TIME_KEYS = {"run": "updated_at", "metric": "event_time", "eval": "event_time"}


class KafkaTransport:
    """Produces through one idempotent confluent_kafka Producer with Confluent's AvroSerializer."""

    name = "kafka"

    def __init__(self, settings: Settings):
        from confluent_kafka import KafkaError, KafkaException, Producer
        from confluent_kafka.schema_registry import SchemaRegistryClient, topic_subject_name_strategy
        from confluent_kafka.schema_registry.avro import AvroSerializer
        from confluent_kafka.serialization import MessageField, SerializationContext

        self._kafka_error = KafkaError
        self._kafka_exception = KafkaException
        self._new_producer = Producer
        self._settings = settings
        new_client = getattr(SchemaRegistryClient, "new_client", SchemaRegistryClient)  # mock:// for tests
        self._registry = new_client({"url": settings.registry_url})
        # The topic-name strategy, explicitly: subject scalewatch.raw-value (newer clients default to a
        # strategy that asks the registry for subject associations first, and costs a cache lookup per record).
        self._serializer = AvroSerializer(self._registry, raw_event_schema(),
                                          conf={"subject.name.strategy": topic_subject_name_strategy})
        self._context = SerializationContext(RAW_TOPIC, MessageField.VALUE)
        self._config = {**PRODUCER_DEFAULTS, **settings.producer_config,
                        "bootstrap.servers": settings.bootstrap_servers,
                        "error_cb": self._on_error, "logger": logging.getLogger("scalewatch.kafka")}
        self._producer = Producer(self._config)
        self._in_flight: Dict[int, Entry] = {}
        self._outcomes = Outcomes()
        self._down: Optional[str] = None
        self._fatal = False
        self._progress = time.monotonic()

    # -- callbacks (run inside poll/flush on the sender thread) --------------------------------
    def _on_error(self, error: Any) -> None:
        if error.fatal():
            self._fatal = True
            self._down = f"fatal producer error: {error}"
        elif error.code() == self._kafka_error._ALL_BROKERS_DOWN:
            self._down = f"all brokers down ({self._settings.bootstrap_servers})"

    def _on_delivery(self, entry: Entry, error: Any, message: Any) -> None:
        if self._in_flight.pop(id(entry), None) is None:
            return  # abandoned at close
        if error is None:
            self._outcomes.delivered.append(entry)
            self._progress = time.monotonic()
            if not self._fatal:
                self._down = None
        else:
            self._outcomes.failed.append(entry)
            self._down = REFUSED if self._refused(error) else f"delivery failed: {error}"

    def _refused(self, error: Any) -> bool:
        return error.code() == self._kafka_error.TOPIC_AUTHORIZATION_FAILED

    # -- transport ----------------------------------------------------------------------------
    def encode(self, entry: Entry) -> bytes:
        """The Confluent-framed Avro RawEvent of one entry (registers the schema on first use)."""
        return self._serializer({"event": (BRANCHES[entry.kind], entry.event)}, self._context)

    def submit(self, entries: List[Entry]) -> List[Entry]:
        serialize, context, in_flight, on_delivery = self._serializer, self._context, self._in_flight, self._on_delivery
        if not in_flight:
            self._progress = time.monotonic()
        for index, entry in enumerate(entries):
            try:
                value = serialize({"event": (BRANCHES[entry.kind], entry.event)}, context)  # as encode()
            except (ValueError, TypeError) as e:
                log.error("scalewatch: dropping %s event that does not fit the schema: %s", entry.kind, e)
                self._outcomes.rejected.append(entry)
                continue
            except Exception as e:  # the registry is unreachable (first use only)
                self._down = f"schema registry {self._settings.registry_url}: {e}"
                return entries[index:]
            outcome = self._produce(entry, value, partial(on_delivery, entry))
            if outcome is SENT:
                in_flight[id(entry)] = entry
                if index % 2000 == 1999:
                    self._producer.poll(0)
            elif outcome is REJECTED:
                self._outcomes.rejected.append(entry)
            else:  # not now: the broker refuses new events, or the local queue stays full
                self._down = outcome
                return entries[index:]
        return []

    def _produce(self, entry: Entry, value: bytes, callback: Any) -> str:
        """Hands one record to librdkafka: SENT, REJECTED (it can never be sent), or why not now."""
        event = entry.event
        for _ in range(50):
            try:
                self._producer.produce(RAW_TOPIC, value=value, key=event["run_id"].encode(),
                                       timestamp=event[TIME_KEYS[entry.kind]], on_delivery=callback)
                return SENT
            except BufferError:  # local queue full: let librdkafka drain it
                self._producer.poll(0.05)
            except self._kafka_exception as e:  # refused at once: librdkafka remembers the topic's error
                if self._refused(e.args[0]):
                    return REFUSED
                log.error("scalewatch: dropping %s event the producer refuses: %s", entry.kind, e)
                return REJECTED
        return "producer queue stayed full for 2.5 s"

    def poll(self, timeout: float) -> Outcomes:
        self._producer.poll(timeout)
        return self._outcomes.take()

    def in_flight(self) -> List[Entry]:
        return list(self._in_flight.values())

    def in_flight_count(self) -> int:
        return len(self._in_flight)

    def trouble(self) -> Optional[str]:
        if self._down is None and self._in_flight and time.monotonic() - self._progress > STALL_SECONDS:
            return f"no acknowledgement from {self._settings.bootstrap_servers} for {STALL_SECONDS:.0f} s"
        return self._down

    def probe(self) -> bool:
        """True if the broker answers a metadata request for the raw topic."""
        if self._fatal:
            self._replace_producer()
        try:
            metadata = self._producer.list_topics(RAW_TOPIC, timeout=2.0)
            topic = metadata.topics.get(RAW_TOPIC)
            if topic is None or topic.error is not None or not topic.partitions:
                return False
        except Exception:
            return False
        self._down = None
        self._progress = time.monotonic()
        return True

    def abandon(self) -> List[Entry]:
        """Stops tracking in-flight events (returned) and purges them from the producer."""
        left = list(self._in_flight.values())
        self._in_flight.clear()
        try:
            self._producer.purge(in_queue=True, in_flight=True, blocking=False)
            self._producer.poll(0)
        except Exception as e:
            log.debug("scalewatch: purge failed: %s", e)
        return left

    def close(self) -> None:
        self._producer.flush(0)

    def _replace_producer(self) -> None:
        """After a fatal error the producer is unusable: in-flight events fail and a new one starts."""
        self._outcomes.failed.extend(self._in_flight.values())
        self._in_flight.clear()
        self._producer = self._new_producer(self._config)
        self._fatal = False
