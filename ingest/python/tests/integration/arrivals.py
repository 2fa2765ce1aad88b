"""Reads back what reached the stack, to check counts and contents.

ARRIVAL selects where the tests look by default: "normalized" reads scalewatch.metrics,
scalewatch.evals and scalewatch.runs (end to end, after the Kafka Streams normalizer, which runs in
`up`); "raw" reads scalewatch.raw (what the SDK or the gateway wrote, before any dedup). Switch with
SCALEWATCH_IT_ARRIVAL=raw. The Kafka-transport tests also read "raw" explicitly: the idempotent
producer and the spool's acknowledgements must leave no duplicate even there.
"""
import math
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Dict, List

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

ARRIVAL = os.environ.get("SCALEWATCH_IT_ARRIVAL", "normalized")
RAW = "scalewatch.raw"
NORMALIZED = {"metric": "scalewatch.metrics", "eval": "scalewatch.evals", "run": "scalewatch.runs"}


@dataclass
class Arrivals:
    metrics: List[dict] = field(default_factory=list)
    evals: List[dict] = field(default_factory=list)
    runs: List[dict] = field(default_factory=list)

    def add(self, kind: str, event: dict) -> None:
        {"metric": self.metrics, "eval": self.evals, "run": self.runs}[kind].append(_millis(event))


def _millis(event: dict) -> dict:
    return {k: int(v.timestamp() * 1000) if isinstance(v, datetime) else v for k, v in event.items()}


def _kind(event: dict) -> str:
    if "status" in event:
        return "run"
    return "eval" if "task" in event else "metric"


def arrived_events(stack, run_ids, metrics: int, evals: int = 0, runs: int = 0, timeout: float = 90.0,
                   source: str = ARRIVAL) -> Arrivals:
    """Everything of the given runs that arrived in ``source`` ("raw" or "normalized"), read until the
    expected counts are reached and then to the end of every partition (so duplicates are seen too)."""
    if source not in ("raw", "normalized"):
        raise ValueError(f"source must be raw or normalized: {source!r}")
    topics = [RAW] if source == "raw" else list(NORMALIZED.values())
    keys = {r.encode() for r in run_ids}
    registry = SchemaRegistryClient({"url": stack.registry})
    deserializer = AvroDeserializer(registry)
    consumer = Consumer({"bootstrap.servers": stack.bootstrap, "group.id": f"sdk-it-{uuid.uuid4()}",
                         "enable.auto.commit": False, "isolation.level": "read_committed"})
    partitions = []
    for topic in topics:
        meta = consumer.list_topics(topic, timeout=10).topics[topic]
        partitions += [TopicPartition(topic, p, OFFSET_BEGINNING) for p in meta.partitions]
    consumer.assign(partitions)
    found = Arrivals()
    deadline = time.monotonic() + timeout
    ends: Dict[tuple, int] = {}
    try:
        while time.monotonic() < deadline:
            batch = consumer.consume(10000, 0.5)
            for message in batch:
                if message.error() is not None:
                    raise AssertionError(message.error())
                key = message.key()
                if message.topic() == NORMALIZED["run"] and key is not None and b"/" in key:
                    key = key.split(b"/", 1)[1]  # runs are keyed <project>/<run_id> (README, Topics)
                if key not in keys:
                    continue
                ctx = SerializationContext(message.topic(), MessageField.VALUE)
                value = deserializer(message.value(), ctx)
                event = value["event"] if message.topic() == RAW else value
                found.add(_kind(event), event)
            complete = len(found.metrics) >= metrics and len(found.evals) >= evals and len(found.runs) >= runs
            if complete and not ends:
                ends = {(tp.topic, tp.partition): consumer.get_watermark_offsets(tp, timeout=10)[1]
                        for tp in partitions}
            if ends and all(_position(consumer, tp) >= end for (t, p), end in ends.items()
                            for tp in [TopicPartition(t, p)]):
                return found
    finally:
        consumer.close()
    raise AssertionError(f"timed out after {timeout} s reading {topics}: {len(found.metrics)}/{metrics} metrics, "
                         f"{len(found.evals)}/{evals} evals, {len(found.runs)}/{runs} runs")


def _position(consumer, tp) -> int:
    position = consumer.position([tp])[0].offset
    return position if position >= 0 else 0


def same_value(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b
