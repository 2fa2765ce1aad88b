"""Interop with a client nobody here wrote: Python confluent-kafka against the embedded stack."""
import json
import math
import uuid
from datetime import datetime, timezone

import pytest
from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient, Schema
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext, StringSerializer

METRICS = "scalewatch.metrics"
EVALS = "scalewatch.evals"
POINTS = 600
SPECIAL = {7: float("nan"), 8: float("inf"), 9: float("-inf")}  # divergence signals are data


def metric_value(i: int) -> float:
    return SPECIAL.get(i, 3.0 / math.sqrt(i + 1))


def same_value(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def test_health_reports_every_component_up(stack):
    report = stack.wait_healthy()
    assert report["status"] == "UP"
    assert {name: c["status"] for name, c in report["components"].items()} == {
        "broker": "UP", "registry": "UP", "normalizer": "UP", "flink": "UP", "store": "UP",
        "disk": "UP", "alerts": "UP", "job scalewatch-run-monitor": "UP",
        "job scalewatch-sweep-fitter": "UP"}
    assert report["components"]["disk"]["details"]["acceptingEvents"] is True


def test_python_avro_serializer_output_is_decoded_by_java_consumer(stack, avro_schema):
    registry = SchemaRegistryClient({"url": stack.registry})
    serializer = AvroSerializer(registry, avro_schema("MetricPoint"))
    keys = StringSerializer()
    producer = Producer({"bootstrap.servers": stack.bootstrap, "enable.idempotence": True})
    sent = {}
    for i in range(POINTS):
        run_id = f"run-{i % 10}"
        point = {"project": "interop", "run_id": run_id, "step": i, "tokens_seen": i * 1000,
                 "flops": None, "event_time": 1767225600000 + i,
                 "metric": "train/loss", "split": "train", "value": metric_value(i)}
        ctx = SerializationContext(METRICS, MessageField.VALUE)
        producer.produce(METRICS, key=keys(run_id), value=serializer(point, ctx))
        sent[(run_id, i)] = point
    assert producer.flush(30) == 0

    # The Python client registered the contract schema the stack registered at start: same id.
    latest = registry.get_latest_version(f"{METRICS}-value")
    assert registry.register_schema(f"{METRICS}-value", Schema(avro_schema("MetricPoint"), "AVRO")) == latest.schema_id

    result = stack.cli("tail", METRICS, "--from-beginning", "--json", "--max", str(POINTS))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == POINTS
    received = {}
    for line in lines:
        value = line["value"]
        assert line["key"] == value["run_id"]
        received[(value["run_id"], value["step"])] = value
    assert received.keys() == sent.keys()
    for key, point in sent.items():
        got = received[key]
        assert got["tokens_seen"] == point["tokens_seen"]
        assert got["event_time"] == point["event_time"]
        assert got["metric"] == point["metric"]
        assert same_value(float(got["value"]), point["value"]), (key, got["value"], point["value"])


def test_python_avro_deserializer_decodes_what_java_wrote(stack):
    evals = [{"project": "interop", "run_id": f"run-{i % 3}", "step": 1000 * i, "task": "arith_2digit_add",
              "metric": "accuracy", "value": i / 100.0, "stderr": 0.01 if i % 2 else None,
              "shots": 2, "event_time": 1767225600000 + i} for i in range(100)]
    lines = "\n".join(json.dumps(e) for e in evals) + "\n"
    result = stack.cli("produce", EVALS, "--key-field", "run_id", stdin=lines)
    assert result.returncode == 0, result.stderr

    registry = SchemaRegistryClient({"url": stack.registry})
    deserializer = AvroDeserializer(registry)
    consumer = Consumer({"bootstrap.servers": stack.bootstrap, "group.id": f"interop-{uuid.uuid4()}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([EVALS])
    received = []
    try:
        for _ in range(600):
            if len(received) >= len(evals):
                break
            message = consumer.poll(0.5)
            if message is None:
                continue
            assert message.error() is None, message.error()
            value = deserializer(message.value(), SerializationContext(EVALS, MessageField.VALUE))
            assert message.key().decode() == value["run_id"]
            received.append(value)
    finally:
        consumer.close()
    assert len(received) == len(evals)
    by_step = {v["step"]: v for v in received}
    for e in evals:
        got = by_step[e["step"]]
        assert (got["run_id"], got["task"], got["value"], got["stderr"], got["shots"]) == \
               (e["run_id"], e["task"], e["value"], e["stderr"], e["shots"])
        assert got["event_time"] == datetime.fromtimestamp(e["event_time"] / 1000, tz=timezone.utc)
        assert got["sample_count"] is None


def test_registry_refuses_incompatible_schema_with_confluent_error(stack, avro_schema):
    registry = SchemaRegistryClient({"url": stack.registry})
    schema = json.loads(avro_schema("MetricPoint"))
    schema["fields"].append({"name": "required_without_default", "type": "string", "doc": "breaks BACKWARD"})
    with pytest.raises(SchemaRegistryError) as refused:
        registry.register_schema(f"{METRICS}-value", Schema(json.dumps(schema), "AVRO"))
    assert refused.value.http_status_code == 409
    assert refused.value.error_code == 409


def test_registry_answers_unknown_schema_id_with_40403(stack):
    registry = SchemaRegistryClient({"url": stack.registry})
    with pytest.raises(SchemaRegistryError) as missing:
        registry.get_schema(987654)
    assert missing.value.http_status_code == 404
    assert missing.value.error_code == 40403
