"""Kafka transport: RawEvent records in the Confluent wire format to ``scalewatch.raw``, key = run id.

confluent_kafka is imported here only, so the HTTP transport works with the standard library alone.
One producer, schema registry client and serializer serve every run of the process with the same
bootstrap servers, registry and producer config (``SharedProducer``); each run's transport is owned
by its sender thread and hears only its own delivery reports.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from functools import partial
from typing import Any, Dict, List, Optional, Tuple

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
# librdkafka facilities of connection trouble it retries by itself (a broker refusing or dropping
# connections, timing out, a partition leader gone with its broker): the sender reports the outage once
CONNECTION_FACILITIES = frozenset({"FAIL", "BROKERFAIL", "REQTMOUT", "TIMEOUT", "RECV", "SEND", "DISCONNECT",
                                   "CONNECT", "ADDRESS", "RESOLVE", "METADATAUPDATE"})
REPEAT_LOG_SECONDS = 60.0  # any other librdkafka line: at most once a minute per facility


class LibrdkafkaLog:
    """Where librdkafka's log lines go (the producer's ``logger``), to the ``scalewatch.kafka`` logger.

    Connection trouble (refused, disconnected, timed out: librdkafka retries it by itself) goes to
    DEBUG and is kept as ``last_connection_error``, which the transport's trouble report quotes: the
    sender logs one warning when an outage starts instead of a line per reconnect attempt. Every
    other line keeps its level, at most once a minute per facility, the next one saying how many
    were held back. Thread-safe (librdkafka lines are served by whichever thread polls).
    """

    def __init__(self) -> None:
        self.logger = logging.getLogger("scalewatch.kafka")
        self.last_connection_error: Optional[str] = None
        self.connection_lines = 0
        self._lock = threading.Lock()
        self._shown: Dict[str, Tuple[float, int]] = {}  # facility -> (last shown, held back since)

    def log(self, level: int, fmt: str, *args: Any) -> None:
        facility = str(args[0]) if args else ""
        text = str(args[-1]) if args else fmt
        if facility in CONNECTION_FACILITIES:
            self.last_connection_error = text.split("]: ", 1)[-1]  # without librdkafka's [thrd:...] prefix
            self.connection_lines += 1
            self.logger.debug(fmt, *args)
            return
        now = time.monotonic()
        with self._lock:
            shown, held = self._shown.get(facility, (-REPEAT_LOG_SECONDS - 1.0, 0))
            if now - shown < REPEAT_LOG_SECONDS:
                self._shown[facility] = (shown, held + 1)
                show = False
            else:
                self._shown[facility] = (now, 0)
                show = True
        if show:
            if held:
                self.logger.log(level, fmt + " (%d more %s lines held back in the last minute)", *args, held, facility)
            else:
                self.logger.log(level, fmt, *args)
        else:
            self.logger.debug(fmt, *args)


_shared_lock = threading.Lock()
_shared: Dict[Tuple[Any, ...], "SharedProducer"] = {}
_shared_pid = os.getpid()  # a forked child must not use its parent's producers (librdkafka's threads stay behind)
producers_created = 0  # librdkafka producers this process has built (tests check that runs share one)


def _key(settings: Settings) -> Tuple[Any, ...]:
    config = tuple(sorted((str(k), repr(v)) for k, v in settings.producer_config.items()))
    return settings.bootstrap_servers, settings.registry_url, config


class SharedProducer:
    """One confluent_kafka Producer, SchemaRegistryClient and AvroSerializer for every run of the
    process with the same bootstrap servers, registry URL and producer config.

    Get it with ``acquire`` and give it back with ``release``: the last run to release it serves the
    last delivery reports and drops it (runs still open at interpreter exit release it when they are
    closed). Each record carries its own delivery callback, so reports reach the run that sent it
    whichever thread polls. Thread-safe: the producer and the serializer may be used from several
    sender threads; a fatal producer error replaces the producer once for all of them.
    """

    def __init__(self, key: Tuple[Any, ...], settings: Settings):
        global producers_created
        from confluent_kafka import KafkaError, Producer
        from confluent_kafka.schema_registry import SchemaRegistryClient, topic_subject_name_strategy
        from confluent_kafka.schema_registry.avro import AvroSerializer
        from confluent_kafka.serialization import MessageField, SerializationContext

        self.key = key
        self.users = 0
        self.bootstrap_servers = settings.bootstrap_servers
        self.registry_url = settings.registry_url
        self._all_brokers_down = KafkaError._ALL_BROKERS_DOWN
        self._new_producer = Producer
        new_client = getattr(SchemaRegistryClient, "new_client", SchemaRegistryClient)  # mock:// for tests
        self.registry = new_client({"url": settings.registry_url})
        # The topic-name strategy, explicitly: subject scalewatch.raw-value (newer clients default to a
        # strategy that asks the registry for subject associations first, and costs a cache lookup per record).
        self.serializer = AvroSerializer(self.registry, raw_event_schema(),
                                         conf={"subject.name.strategy": topic_subject_name_strategy})
        self.context = SerializationContext(RAW_TOPIC, MessageField.VALUE)
        self.librdkafka = LibrdkafkaLog()
        self.config = {**PRODUCER_DEFAULTS, **settings.producer_config,
                       "bootstrap.servers": settings.bootstrap_servers,
                       "error_cb": self._on_error, "logger": self.librdkafka}
        self.down: Optional[str] = None  # all brokers down, or a fatal error; cleared by any delivery
        self.fatal = False
        self.generation = 0  # counts replacements after fatal errors
        self._lock = threading.Lock()
        self.producer = Producer(self.config)
        producers_created += 1

    @staticmethod
    def acquire(settings: Settings) -> "SharedProducer":
        """The process's producer for these settings (built on first use); count this user."""
        global _shared_pid
        key = _key(settings)
        with _shared_lock:
            if _shared_pid != os.getpid():
                _shared.clear()
                _shared_pid = os.getpid()
            shared = _shared.get(key)
            if shared is None:
                shared = _shared[key] = SharedProducer(key, settings)
            shared.users += 1
            return shared

    def release(self) -> None:
        """One user fewer; the last one serves the outstanding callbacks and drops the producer."""
        with _shared_lock:
            self.users -= 1
            last = self.users == 0
            if last and _shared.get(self.key) is self:
                del _shared[self.key]
        if last:
            self.producer.flush(0)

    def _on_error(self, error: Any) -> None:
        if error.fatal():
            self.fatal = True
            self.down = f"fatal producer error: {error}"
        elif error.code() == self._all_brokers_down:
            self.down = f"all brokers down ({self.bootstrap_servers})"

    def delivered(self) -> None:
        if not self.fatal:
            self.down = None
        self.librdkafka.last_connection_error = None

    def replace_after_fatal(self, generation: int) -> None:
        """After a fatal error the producer is unusable: a new one starts (once, whoever asks first)."""
        with self._lock:
            if self.fatal and self.generation == generation:
                self.producer = self._new_producer(self.config)
                self.generation += 1
                self.fatal = False
                self.down = None


def shared_producers() -> List[SharedProducer]:
    """The producers alive in this process (for tests and diagnostics)."""
    with _shared_lock:
        return list(_shared.values())


class KafkaTransport:
    """One run's view of the process's shared producer: its own in-flight events and outcomes.

    Used by the run's sender thread; delivery callbacks may run on any thread that polls the shared
    producer, so they only touch the in-flight map and the outcomes under a lock.
    """

    name = "kafka"

    def __init__(self, settings: Settings):
        from confluent_kafka import KafkaError, KafkaException

        self._kafka_error = KafkaError
        self._kafka_exception = KafkaException
        self._settings = settings
        self._shared = SharedProducer.acquire(settings)
        self._generation = self._shared.generation
        self._serializer = self._shared.serializer
        self._context = self._shared.context
        self._in_flight: Dict[int, Entry] = {}
        self._outcomes = Outcomes()
        self._lock = threading.Lock()
        self._down: Optional[str] = None  # this run's own trouble: a failed delivery, the registry
        self._progress = time.monotonic()
        self._closed = False

    @property
    def shared(self) -> SharedProducer:
        return self._shared

    # -- callbacks (inside poll/flush, on whichever thread polls the shared producer) -----------
    def _on_delivery(self, entry: Entry, error: Any, message: Any) -> None:
        with self._lock:
            if self._in_flight.pop(id(entry), None) is None:
                return  # abandoned at close
            if error is None:
                self._outcomes.delivered.append(entry)
            else:
                self._outcomes.failed.append(entry)
        if error is None:
            self._progress = time.monotonic()
            self._down = None
            self._shared.delivered()
        else:
            self._down = REFUSED if self._refused(error) else f"delivery failed: {error}"

    def _refused(self, error: Any) -> bool:
        return error.code() == self._kafka_error.TOPIC_AUTHORIZATION_FAILED

    # -- transport ----------------------------------------------------------------------------
    def encode(self, entry: Entry) -> bytes:
        """The Confluent-framed Avro RawEvent of one entry (registers the schema on first use)."""
        return self._serializer({"event": (BRANCHES[entry.kind], entry.event)}, self._context)

    def submit(self, entries: List[Entry]) -> List[Entry]:
        producer = self._shared.producer
        serialize, context, in_flight, on_delivery = self._serializer, self._context, self._in_flight, self._on_delivery
        if not in_flight:
            self._progress = time.monotonic()
        for index, entry in enumerate(entries):
            try:
                value = serialize({"event": (BRANCHES[entry.kind], entry.event)}, context)  # as encode()
            except (ValueError, TypeError) as e:
                log.error("scalewatch: dropping %s event that does not fit the schema: %s", entry.kind, e)
                with self._lock:
                    self._outcomes.rejected.append(entry)
                continue
            except Exception as e:  # the registry is unreachable (first use only)
                self._down = f"schema registry {self._settings.registry_url}: {e}"
                return entries[index:]
            in_flight[id(entry)] = entry  # before produce: another thread's poll may report it at once
            outcome = self._produce(producer, entry, value, partial(on_delivery, entry))
            if outcome is SENT:
                if index % 2000 == 1999:
                    producer.poll(0)
                continue
            in_flight.pop(id(entry), None)
            if outcome is REJECTED:
                with self._lock:
                    self._outcomes.rejected.append(entry)
            else:  # not now: the broker refuses new events, or the local queue stays full
                self._down = outcome
                return entries[index:]
        return []

    def _produce(self, producer: Any, entry: Entry, value: bytes, callback: Any) -> str:
        """Hands one record to librdkafka: SENT, REJECTED (it can never be sent), or why not now."""
        event = entry.event
        for _ in range(50):
            try:
                producer.produce(RAW_TOPIC, value=value, key=event["run_id"].encode(),
                                 timestamp=event[TIME_KEYS[entry.kind]], on_delivery=callback)
                return SENT
            except BufferError:  # local queue full: let librdkafka drain it
                producer.poll(0.05)
            except self._kafka_exception as e:  # refused at once: librdkafka remembers the topic's error
                if self._refused(e.args[0]):
                    return REFUSED
                log.error("scalewatch: dropping %s event the producer refuses: %s", entry.kind, e)
                return REJECTED
        return "producer queue stayed full for 2.5 s"

    def poll(self, timeout: float) -> Outcomes:
        self._shared.producer.poll(timeout)
        self._check_generation()
        with self._lock:
            return self._outcomes.take()

    def in_flight(self) -> List[Entry]:
        with self._lock:
            return list(self._in_flight.values())

    def in_flight_count(self) -> int:
        return len(self._in_flight)

    def trouble(self) -> Optional[str]:
        down = self._down or self._shared.down
        if down is None and self._in_flight and time.monotonic() - self._progress > STALL_SECONDS:
            down = f"no acknowledgement from {self._settings.bootstrap_servers} for {STALL_SECONDS:.0f} s"
        last = self._shared.librdkafka.last_connection_error
        if down is not None and last:
            return f"{down}; last connection error: {last}"
        return down

    def probe(self) -> bool:
        """True if the broker answers a metadata request for the raw topic."""
        if self._shared.fatal:
            self._shared.replace_after_fatal(self._generation)
        self._check_generation()
        try:
            metadata = self._shared.producer.list_topics(RAW_TOPIC, timeout=2.0)
            topic = metadata.topics.get(RAW_TOPIC)
            if topic is None or topic.error is not None or not topic.partitions:
                return False
        except Exception:
            return False
        self._down = None
        self._shared.down = None
        self._progress = time.monotonic()
        return True

    def abandon(self) -> List[Entry]:
        """Stops tracking in-flight events (returned). If no other run uses the producer, they are
        also purged from it; otherwise they may still be delivered (and, being in the spool, sent
        again later: the normalizer drops such duplicates)."""
        with self._lock:
            left = list(self._in_flight.values())
            self._in_flight.clear()
        if left and self._shared.users == 1:
            try:
                self._shared.producer.purge(in_queue=True, in_flight=True, blocking=False)
                self._shared.producer.poll(0)
            except Exception as e:
                log.debug("scalewatch: purge failed: %s", e)
        return left

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._shared.release()

    def _check_generation(self) -> None:
        """After the shared producer was replaced, this run's in-flight events will never be reported."""
        if self._generation != self._shared.generation:
            with self._lock:
                self._outcomes.failed.extend(self._in_flight.values())
                self._in_flight.clear()
            self._generation = self._shared.generation
