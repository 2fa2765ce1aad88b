"""The broker goes away in the middle of a run: the SDK spools, replays, and nothing is lost or doubled."""
import subprocess
import sys
import threading
import time

from arrivals import arrived_events
from conftest import free_port
from test_kafka_transport import kafka_run
from workload import METRICS, check_exactly_once, log_steps

PACE = 0.002  # seconds between steps: 10 metrics per step, about 5k points/s


def test_broker_stopped_mid_run_spools_then_every_point_arrives_once_after_restart(stack, spool_dir):
    project = "sdk-kafka-outage"
    run_ids = [f"{project}-0"]
    run = kafka_run(stack, spool_dir, project, run_ids[0], flush_timeout=60)
    restarted = threading.Event()
    logged = []
    slowest = [0.0]

    def paced(step):
        logged.append(step)
        time.sleep(PACE)

    def train():
        step = 0
        after_restart = None
        while after_restart is None or step < after_restart + 500:
            started = time.monotonic()
            log_steps(run, 0, range(step, step + 1), paced)
            slowest[0] = max(slowest[0], time.monotonic() - started - PACE)
            step += 1
            if after_restart is None and restarted.is_set():
                after_restart = step

    trainer = threading.Thread(target=train)
    trainer.start()
    try:
        _wait(lambda: len(logged) >= 500 and run.stats()["delivered"] > 0, 30, "first points delivered")
        stack.stop()
        _wait(lambda: not run.stats()["online"] and run.stats()["spooled"] > 0, 30, "the SDK to spool")
        spool_files = list(spool_dir.rglob("*.spool"))
        assert len(spool_files) == 1 and spool_files[0].stat().st_size > 0
        steps_while_down = len(logged)
        time.sleep(2)
        assert len(logged) > steps_while_down, "the training loop must keep going while the broker is down"
        stack.restart()
        restarted.set()
    finally:
        restarted.set()
        trainer.join()
    run.finish()
    assert slowest[0] < 0.5, f"a log call blocked the training loop for {slowest[0]:.2f} s"
    stats = run.stats()
    assert stats["spooled"] > 0 and stats["backlog"] == 0
    steps = len(logged)
    assert logged == list(range(steps))
    found = arrived_events(stack, run_ids, metrics=steps * len(METRICS))
    check_exactly_once(found, run_ids, steps, project)
    assert not list(spool_dir.rglob("*.spool")), "the spool is deleted once everything is acknowledged"


def test_events_left_in_the_spool_at_exit_are_sent_by_scalewatch_sync(stack, spool_dir):
    project = "sdk-kafka-sync"
    run_ids = [f"{project}-0"]
    nowhere = f"127.0.0.1:{free_port()}"  # no broker listens here
    run = kafka_run(stack, spool_dir, project, run_ids[0], bootstrap_servers=nowhere, flush_timeout=1)
    log_steps(run, 0, range(300))
    run.finish()
    assert run.stats()["delivered"] == 0
    assert len(list(spool_dir.rglob("*.spool"))) == 1

    result = subprocess.run(
        [sys.executable, "-m", "scalewatch._sync", "--spool-dir", str(spool_dir), "--transport", "kafka",
         "--bootstrap-servers", stack.bootstrap, "--registry-url", stack.registry],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"{300 * len(METRICS) + 2 + 2} events sent, 0 left" in result.stdout
    found = arrived_events(stack, run_ids, metrics=300 * len(METRICS), evals=2, runs=2)
    check_exactly_once(found, run_ids, 300, project)
    assert not list(spool_dir.rglob("*.spool"))


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
