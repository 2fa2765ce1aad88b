"""The Kafka transport without a broker: one producer per process for runs with the same settings
(issue 7), delivery reports routed to the run that sent the record, and librdkafka's log lines
tamed (connection trouble to DEBUG, anything else at most once a minute per facility)."""
import logging
import time

import pytest

import scalewatch
from scalewatch import _kafka
from scalewatch._config import Settings
from scalewatch._kafka import KafkaTransport, LibrdkafkaLog
from scalewatch._spool import Entry
from scalewatch._events import metric_events

NOWHERE = "127.0.0.1:1"  # no broker listens here


def settings(tmp_path, **kwargs):
    return Settings.resolve(environ={}, bootstrap_servers=NOWHERE, registry_url="mock://unit-sharing",
                            spool_dir=str(tmp_path), **kwargs)


def test_transports_with_the_same_settings_share_one_producer_until_the_last_one_closes(tmp_path):
    created = _kafka.producers_created
    runs = [KafkaTransport(settings(tmp_path)) for _ in range(5)]  # what five runs' senders build
    other = KafkaTransport(settings(tmp_path, producer_config={"linger.ms": 50}))
    producer = runs[0].shared
    try:
        assert all(t.shared is producer for t in runs), "five runs with the same settings must share one producer"
        assert producer.users == 5 and producer in _kafka.shared_producers()
        assert other.shared is not producer, "other producer settings get their own producer"
        assert _kafka.producers_created == created + 2
        for t in runs[:4]:
            t.close()
            t.close()  # a second close does not release twice
        assert producer.users == 1 and producer in _kafka.shared_producers(), "still used by the last run"
    finally:
        for t in runs + [other]:
            t.close()
    assert producer.users == 0 and producer not in _kafka.shared_producers()
    after = KafkaTransport(settings(tmp_path))
    try:
        assert after.shared is not producer, "a released producer is never handed out again"
    finally:
        after.close()


def test_a_run_started_with_init_uses_the_shared_producer_and_releases_it_at_finish(tmp_path):
    run = scalewatch.init("unit-sharing", run_id="r1", transport="kafka", bootstrap_servers=NOWHERE,
                          registry_url="mock://unit-sharing", spool_dir=str(tmp_path / "spool"), flush_timeout=0)
    companion = KafkaTransport(settings(tmp_path))
    try:
        deadline = time.monotonic() + 10
        while not isinstance(run._sender._transport, KafkaTransport) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert run._sender._transport.shared is companion.shared and companion.shared.users == 2
        run.finish()
        assert companion.shared.users == 1
    finally:
        companion.close()


def test_delivery_reports_reach_the_run_that_sent_the_record_whichever_thread_polls(tmp_path):
    settings = Settings.resolve(environ={}, bootstrap_servers=NOWHERE, registry_url="mock://unit-sharing-reports",
                                spool_dir=str(tmp_path), producer_config={"message.timeout.ms": 300})
    a, b = KafkaTransport(settings), KafkaTransport(settings)
    try:
        assert a.shared is b.shared
        points_a = [Entry(i, "metric", p) for i, p in
                    enumerate(metric_events("p", "run-a", {"loss": 1.0, "acc": 0.5}, 1, None, None, None))]
        points_b = [Entry(i, "metric", p) for i, p in
                    enumerate(metric_events("p", "run-b", {"loss": 2.0}, 1, None, None, None))]
        assert a.submit(points_a) == [] and b.submit(points_b) == []
        deadline = time.monotonic() + 10
        failed_a, failed_b = [], []
        while (len(failed_a) < 2 or len(failed_b) < 1) and time.monotonic() < deadline:
            failed_b += b.poll(0.1).failed  # only b's thread polls: a's reports are served here, kept for a
            failed_a += a.poll(0).failed
        assert sorted(e.event["metric"] for e in failed_a) == ["acc", "loss"]
        assert [e.event["run_id"] for e in failed_b] == ["run-b"]
        assert a.in_flight_count() == 0 and b.in_flight_count() == 0
    finally:
        a.close()
        b.close()
    assert a.shared not in _kafka.shared_producers()


def test_connection_trouble_from_librdkafka_goes_to_debug_and_into_the_trouble_report(caplog):
    caplog.set_level(logging.DEBUG, logger="scalewatch.kafka")
    sink = LibrdkafkaLog()
    for _ in range(200):
        sink.log(logging.ERROR, "%s [%s] %s", "FAIL", "rdkafka#producer-1",
                 "[thrd:127.0.0.1:9092/bootstrap]: 127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: "
                 "Connection refused (after 0ms in state CONNECT)")
    assert [r.levelno for r in caplog.records] == [logging.DEBUG] * 200
    assert sink.connection_lines == 200
    assert sink.last_connection_error == ("127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: "
                                          "Connection refused (after 0ms in state CONNECT)")


def test_other_librdkafka_lines_keep_their_level_at_most_once_a_minute_per_facility(caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="scalewatch.kafka")
    clock = [1000.0]
    monkeypatch.setattr(_kafka.time, "monotonic", lambda: clock[0])
    sink = LibrdkafkaLog()
    for _ in range(10):
        sink.log(logging.ERROR, "%s [%s] %s", "SSL", "rdkafka#producer-1", "certificate verify failed")
    sink.log(logging.WARNING, "%s [%s] %s", "CONFWARN", "rdkafka#producer-1", "unknown property")
    clock[0] += 61
    sink.log(logging.ERROR, "%s [%s] %s", "SSL", "rdkafka#producer-1", "certificate verify failed")
    shown = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert shown == [
        (logging.ERROR, "SSL [rdkafka#producer-1] certificate verify failed"),
        (logging.WARNING, "CONFWARN [rdkafka#producer-1] unknown property"),
        (logging.ERROR, "SSL [rdkafka#producer-1] certificate verify failed (9 more SSL lines held back in the last "
                        "minute)"),
    ]


@pytest.fixture(autouse=True)
def no_leftover_producers():
    before = set(map(id, _kafka.shared_producers()))
    yield
    assert set(map(id, _kafka.shared_producers())) <= before, "a test left a shared producer open"


def test_a_forked_child_builds_its_own_producer_instead_of_using_its_parents(tmp_path):
    import os

    parent = KafkaTransport(settings(tmp_path))
    try:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: reports whether its transport got the parent's producer
            ok = False
            try:
                child = KafkaTransport(settings(tmp_path))
                ok = child.shared is not parent.shared and child.shared.users == 1
                child.close()
            finally:
                os.write(write, b"1" if ok else b"0")
                os._exit(0)
        os.close(write)
        answer = os.read(read, 1)
        os.waitpid(pid, 0)
        assert answer == b"1", "the forked child used its parent's producer"
        assert parent.shared.users == 1
    finally:
        parent.close()
