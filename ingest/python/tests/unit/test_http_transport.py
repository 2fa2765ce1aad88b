"""The HTTP transport and the sender against a stand-in gateway: acks, partial refusals, splits, outages."""
import logging
import math
import time

import pytest

from fake_gateway import TOKEN

STEPS = 300


def log_steps(run, steps, metrics=("train/loss", "lr")):
    for step in steps:
        run.log({m: 1.0 / (step + 1) + i for i, m in enumerate(metrics)}, step=step, tokens=step * 1000)


def keys(points):
    return [(p["run_id"], p["metric"], p["step"]) for p in points]


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_every_point_is_posted_once_with_bearer_token_and_json_doubles(gateway, http_run):
    run = http_run()
    run.log({"loss": math.nan, "grad_norm": math.inf, "lr": 3e-4}, step=10_000, tokens=2.1e9)
    log_steps(run, range(STEPS))
    run.finish()
    raw = gateway.received["metric"]
    assert len(raw) == 3 + 2 * STEPS
    assert (raw[0]["value"], raw[1]["value"], raw[2]["value"]) == ("NaN", "Infinity", 3e-4)
    assert raw[0]["tokens_seen"] == 2_100_000_000 and raw[0]["flops"] is None
    assert len(set(keys(gateway.points()))) == len(raw)
    assert [r["status"] for r in gateway.received["run"]] == ["RUNNING", "FINISHED"]
    assert {kind for kind, status, _, _ in gateway.requests} == {"run", "metric"}
    assert all(status == 200 for _, status, _, _ in gateway.requests)
    assert run.stats()["delivered"] == 3 + 2 * STEPS + 2


def test_invalid_events_of_a_400_batch_are_logged_and_not_retried_while_the_rest_is_accepted(gateway, http_run, caplog):
    gateway.invalid = lambda kind, e: ("step", "step 13 is refused") if kind == "metric" and e["step"] == 13 else None
    run = http_run()
    log_steps(run, range(50))
    run.finish()
    assert len(gateway.received["metric"]) == 2 * 50 - 2
    assert 13 not in {p["step"] for p in gateway.received["metric"]}
    assert run.stats()["rejected"] == 2 and run.stats()["spooled"] == 0
    assert "field step: step 13 is refused" in caplog.text
    assert sum(n for kind, _, n, _ in gateway.requests if kind == "metric") == 100  # nothing re-sent


def test_a_400_about_the_whole_batch_drops_it_as_rejected_without_retrying(gateway, http_run, caplog):
    run = http_run()
    assert run.flush(10)
    gateway.batch_error = True
    log_steps(run, range(30))
    assert run.flush(10)
    gateway.batch_error = False
    run.finish()
    assert gateway.received["metric"] == []
    assert run.stats()["rejected"] == 60 and run.stats()["spooled"] == 0 and run.stats()["delivered"] == 2
    assert "not an array" in caplog.text
    metric_requests = [(status, n) for kind, status, n, _ in gateway.requests if kind == "metric"]
    assert {status for status, _ in metric_requests} == {400}
    assert sum(n for _, n in metric_requests) == 60  # each event sent once: not retried


def test_batches_stay_under_the_event_limit_and_413_splits_them(gateway, http_run):
    gateway.max_events = 700  # the stand-in is stricter than the SDK's batch size: 413, then halves
    run = http_run(max_batch=5000)
    run.log({f"m{i}": float(i) for i in range(2000)}, step=1)  # one call: one batch of 2000
    run.finish()
    assert sorted(p["metric"] for p in gateway.received["metric"]) == sorted(f"m{i}" for i in range(2000))
    statuses = [status for kind, status, _, _ in gateway.requests if kind == "metric"]
    assert 413 in statuses and statuses[-1] == 200
    assert max(n for kind, status, n, _ in gateway.requests if status == 200) <= 700


def test_bodies_above_the_byte_limit_are_split_before_sending(gateway, tmp_path):
    from scalewatch._config import Settings
    from scalewatch._http import HttpTransport
    from scalewatch._spool import Entry
    from scalewatch._events import metric_events

    settings = Settings.resolve(environ={}, transport="http", gateway_url=gateway.url, token=TOKEN,
                                spool_dir=str(tmp_path))
    transport = HttpTransport(settings, max_bytes=20_000)
    entries = [Entry(i, "metric", p) for i, p in
               enumerate(metric_events("unit", "r", {f"m{i}": float(i) for i in range(400)}, 1, None, None, None))]
    assert transport.submit(entries) == []
    assert len(transport.poll(0).delivered) == 400
    assert all(size <= 20_000 for _, _, _, size in gateway.requests)
    assert len(gateway.requests) > 1 and all(status == 200 for _, status, _, _ in gateway.requests)


def test_gateway_503_spools_without_blocking_and_replays_once_it_recovers(gateway, http_run, tmp_path):
    run = http_run()
    log_steps(run, range(100))
    assert run.flush(10)
    gateway.unavailable = True
    started = time.monotonic()
    log_steps(run, range(100, 2100))
    assert time.monotonic() - started < 2.0, "log() must not wait for the gateway"
    wait_for(lambda: run.stats()["spooled"] > 0 and not run.stats()["online"])
    assert list((tmp_path / "spool").rglob("*.spool"))
    gateway.unavailable = False
    log_steps(run, range(2100, 2200))
    wait_for(lambda: len(gateway.received["metric"]) == 2 * 2200)  # replayed while running, not at finish
    assert run.stats()["online"]
    run.finish()
    points = gateway.points()
    assert sorted(keys(points)) == sorted({("r1", m, s) for s in range(2200) for m in ("train/loss", "lr")})
    assert run.stats()["backlog"] == 0
    assert not list((tmp_path / "spool").rglob("*.spool"))


def test_gateway_down_spools_and_a_restart_on_the_same_port_gets_everything_once(gateway, http_run, tmp_path):
    run = http_run()
    log_steps(run, range(100))
    assert run.flush(10)
    gateway.stop()
    log_steps(run, range(100, 600))
    wait_for(lambda: run.stats()["spooled"] >= 1000)
    gateway.start()
    wait_for(lambda: len(gateway.received["metric"]) == 2 * 600)
    run.finish()
    assert sorted(keys(gateway.points())) == sorted({("r1", m, s) for s in range(600) for m in ("train/loss", "lr")})
    assert not list((tmp_path / "spool").rglob("*.spool"))


def test_refused_token_is_logged_without_the_token_and_events_stay_spooled(gateway, http_run, tmp_path, caplog):
    gateway.tokens = {}
    caplog.set_level(logging.DEBUG, logger="scalewatch")
    run = http_run(flush_timeout=1)
    log_steps(run, range(20))
    time.sleep(2)  # several probes and retries fail meanwhile
    run.finish()
    assert gateway.received["metric"] == []
    assert sum(1 for _, status, _, _ in gateway.requests if status == 401) >= 2
    warned = [r for r in caplog.records if r.levelno >= logging.WARNING and "refused the token (401)" in r.getMessage()]
    assert len(warned) == 1, "the same trouble is not logged again and again (above DEBUG)"
    assert TOKEN not in caplog.text and TOKEN not in repr(run.settings) and TOKEN not in repr(run)
    spools = list((tmp_path / "spool").rglob("*.spool"))
    assert len(spools) == 1 and len(spools[0].read_text().splitlines()) == 2 * 20 + 2


def test_a_new_run_with_the_same_id_replays_what_an_earlier_process_left(gateway, http_run, tmp_path):
    gateway.unavailable = True
    first = http_run(flush_timeout=0.5)
    log_steps(first, range(40))
    first.finish()
    assert gateway.received["metric"] == []
    gateway.unavailable = False
    second = http_run()
    log_steps(second, range(40, 60))
    second.finish()
    assert sorted(keys(gateway.points())) == sorted({("r1", m, s) for s in range(60) for m in ("train/loss", "lr")})
    assert [r["status"] for r in gateway.received["run"]] == ["RUNNING", "FINISHED", "RUNNING", "FINISHED"]
    assert not list((tmp_path / "spool").rglob("*.spool"))


def test_connection_refused_is_never_raised_into_the_training_loop(http_run):
    from fake_gateway import FakeGateway

    dead = FakeGateway()
    dead.stop()  # nothing listens on this port any more
    run = http_run(gateway_url=dead.url, flush_timeout=0.2)
    log_steps(run, range(1000))
    run.log_eval("arith", "accuracy", 0.5, step=999)
    run.finish()
    assert run.stats()["spooled"] == 2 * 1000 + 1 + 2 and run.stats()["delivered"] == 0


def test_http_transport_needs_a_token(gateway, tmp_path):
    import scalewatch

    with pytest.raises(scalewatch.ConfigurationError, match="needs the project's token"):
        scalewatch.init("unit", transport="http", gateway_url=gateway.url, token=None, spool_dir=str(tmp_path))
