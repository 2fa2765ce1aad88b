"""The Kafka transport against the embedded stack: volume, exactly once, contents."""
import json
import threading

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

import scalewatch
from scalewatch import _kafka
from arrivals import arrived_events
from workload import check_exactly_once, log_steps, run_concurrently

RUNS = 10
STEPS = 1000  # x 10 metrics x 10 runs = 100k points


def kafka_run(stack, spool_dir, project, run_id, **kwargs):
    settings = {"transport": "kafka", "bootstrap_servers": stack.bootstrap, "registry_url": stack.registry,
                "spool_dir": str(spool_dir), **kwargs}
    return scalewatch.init(project, run_id=run_id, **settings)


def test_100k_points_from_10_concurrent_runs_of_one_process_share_one_producer_and_arrive_exactly_once(
        stack, spool_dir):
    project = "sdk-kafka-volume"
    run_ids = [f"{project}-{i}" for i in range(RUNS)]
    created = _kafka.producers_created
    all_open = threading.Barrier(RUNS, timeout=60)  # the runs overlap: one producer serves them all
    producers = {}

    def train(i):
        with kafka_run(stack, spool_dir, project, run_ids[i], params=124_000_000, tokens_planned=2.1e9,
                       config={"optim": {"lr": 3e-4}, "batch": 512}) as run:
            log_steps(run, i, range(STEPS))
            run.flush(60)
            assert run.stats()["spooled"] == 0
            producers[i] = run._sender._transport.shared  # built by the sender thread, set by the flush
            all_open.wait()

    run_concurrently(RUNS, train)
    assert len({id(p) for p in producers.values()}) == 1 and _kafka.producers_created == created + 1, \
        f"{_kafka.producers_created - created} producers for {RUNS} runs of one process"
    assert not [p for p in _kafka.shared_producers() if p is producers[0]], "closed when the last run finished"
    raw = arrived_events(stack, run_ids, metrics=RUNS * STEPS * 10, evals=RUNS * 5, runs=2 * RUNS, source="raw")
    check_exactly_once(raw, run_ids, STEPS, project, params=124_000_000, source="raw")
    found = arrived_events(stack, run_ids, metrics=RUNS * STEPS * 10, evals=RUNS * 5, runs=2 * RUNS)
    check_exactly_once(found, run_ids, STEPS, project, params=124_000_000)
    by_run = {}
    for r in found.runs:
        by_run.setdefault(r["run_id"], []).append(r)
    assert sorted(by_run) == sorted(run_ids)
    for records in by_run.values():
        assert sorted(r["status"] for r in records) == ["FINISHED", "RUNNING"]
        for r in records:
            assert r["parameters"] == 124_000_000 and r["planned_tokens"] == 2_100_000_000
            assert r["hyperparameters"] == {"optim.lr": "0.0003", "batch": "512"}
            assert r["started_at"] is not None
        finished = next(r for r in records if r["status"] == "FINISHED")
        assert finished["ended_at"] >= finished["started_at"]
    assert not list(spool_dir.rglob("*.spool")), "nothing may stay spooled when the broker is up"


def test_shipped_schema_is_the_one_the_stack_registered(stack):
    registry = SchemaRegistryClient({"url": stack.registry})
    latest = registry.get_latest_version(scalewatch.RAW_SUBJECT)
    registered = registry.register_schema(scalewatch.RAW_SUBJECT, Schema(scalewatch.raw_event_schema(), "AVRO"))
    assert registered == latest.schema_id
    assert json.loads(latest.schema.schema_str)["name"] == "RawEvent"
