"""The shipped RawEvent schema cannot drift from the contract in schemas/src/main/avro."""
import io
import json
import math
import struct
from pathlib import Path

import fastavro
import pytest

import scalewatch
from scalewatch._config import Settings
from scalewatch._events import eval_event, metric_events, run_event
from scalewatch._kafka import KafkaTransport
from scalewatch._spool import Entry

AVRO_DIR = Path(__file__).resolve().parents[4] / "schemas" / "src" / "main" / "avro"
RECORDS = ("Run", "MetricPoint", "EvalResult")


def contract(name):
    return json.loads((AVRO_DIR / f"{name}.avsc").read_text())


def test_shipped_schema_is_raw_event_with_the_contract_records_inlined():
    raw = contract("RawEvent")
    assert raw["fields"][0]["type"] == [f"dev.scalewatch.schemas.{n}" for n in RECORDS]
    raw["fields"][0]["type"] = [contract(n) for n in RECORDS]
    assert json.loads(scalewatch.raw_event_schema()) == raw, \
        "the contract changed: regenerate the shipped copy with python3 ingest/python/tools/update_schema.py"


def test_shipped_schema_parses_like_the_repo_files_parsed_together():
    named = {}
    for name in RECORDS:
        fastavro.parse_schema(contract(name), named_schemas=named)
    from_repo = fastavro.parse_schema(contract("RawEvent"), named_schemas=named, expand=True)
    shipped = fastavro.parse_schema(json.loads(scalewatch.raw_event_schema()), named_schemas={}, expand=True)
    assert fastavro.schema.to_parsing_canonical_form(shipped) == fastavro.schema.to_parsing_canonical_form(from_repo)
    assert fastavro.schema.fingerprint(fastavro.schema.to_parsing_canonical_form(shipped), "CRC-64-AVRO") == \
        fastavro.schema.fingerprint(fastavro.schema.to_parsing_canonical_form(from_repo), "CRC-64-AVRO")


@pytest.fixture
def transport(tmp_path):
    settings = Settings.resolve(environ={}, transport="kafka", bootstrap_servers="127.0.0.1:1",
                                registry_url="mock://unit-schema", spool_dir=str(tmp_path))
    t = KafkaTransport(settings)
    yield t
    t.abandon()


def decode(framed):
    magic, schema_id = struct.unpack(">bI", framed[:5])
    assert magic == 0
    schema = fastavro.parse_schema(json.loads(scalewatch.raw_event_schema()))
    return schema_id, fastavro.schemaless_reader(io.BytesIO(framed[5:]), schema, return_record_name=True)


def test_kafka_encoding_is_confluent_framed_raw_event_with_the_right_union_branch(transport):
    point = metric_events("p", "r", {"val/loss": math.nan, "lr": math.inf}, 7, 2.1e9, None, None)
    evaluation = eval_event("p", "r", "winogrande", "accuracy", 0.61, 7, stderr=0.01, shots=5)
    run = run_event("p", "r", "RUNNING", parameters=10, hyperparameters={"lr": "0.0003"}, started_at=5)
    decoded = [decode(transport.encode(Entry(1, kind, event)))
               for kind, event in (("metric", point[0]), ("metric", point[1]), ("eval", evaluation), ("run", run))]
    assert len({schema_id for schema_id, _ in decoded}) == 1
    (_, nan_point), (_, inf_point), (_, ev), (_, rn) = decoded
    branch, value = nan_point["event"]
    assert branch == "dev.scalewatch.schemas.MetricPoint"
    assert math.isnan(value["value"]) and value["split"] == "validation" and value["tokens_seen"] == 2_100_000_000
    assert inf_point["event"][1]["value"] == math.inf and inf_point["event"][1]["split"] == "train"
    assert ev["event"][0] == "dev.scalewatch.schemas.EvalResult"
    assert (ev["event"][1]["task"], ev["event"][1]["stderr"], ev["event"][1]["shots"]) == ("winogrande", 0.01, 5)
    assert rn["event"][0] == "dev.scalewatch.schemas.Run"
    assert (rn["event"][1]["status"], rn["event"][1]["parameters"]) == ("RUNNING", 10)
    assert rn["event"][1]["hyperparameters"] == {"lr": "0.0003"}
