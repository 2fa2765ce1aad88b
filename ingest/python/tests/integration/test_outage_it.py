"""The stack goes away in the middle of two runs, one per transport (broker and gateway stop together):
the SDK spools without blocking the training loop, replays after the restart, and every point
arrives exactly once. One restart serves both transports, to keep the suite short."""
import threading
import time

import scalewatch
from arrivals import arrived_events
from stack import GATEWAY_TOKENS
from workload import METRICS, check_exactly_once, log_steps

PACE = 0.002  # seconds between steps: 10 metrics per step, about 5k points/s per run
STEPS_AFTER_RESTART = 300


class PacedTraining:
    """Logs steps at a steady pace from its own thread until STEPS_AFTER_RESTART steps after the restart."""

    def __init__(self, run):
        self.run = run
        self.logged = []
        self.slowest_log = 0.0
        self.restarted = threading.Event()
        self.thread = threading.Thread(target=self._train)
        self.thread.start()

    def _train(self):
        step, until = 0, None
        while until is None or step < until:
            started = time.monotonic()
            log_steps(self.run, 0, range(step, step + 1))
            self.slowest_log = max(self.slowest_log, time.monotonic() - started)
            self.logged.append(step)
            time.sleep(PACE)
            step += 1
            if until is None and self.restarted.is_set():
                until = step + STEPS_AFTER_RESTART

    def finish(self):
        self.restarted.set()
        self.thread.join()
        self.run.finish()


def test_stack_stopped_mid_run_both_transports_spool_then_every_point_arrives_once_after_restart(stack, tmp_path):
    kafka_project, http_project = "sdk-kafka-outage", "sdk-http-outage"
    kafka_run = scalewatch.init(kafka_project, run_id=f"{kafka_project}-0", transport="kafka",
                                bootstrap_servers=stack.bootstrap, registry_url=stack.registry,
                                spool_dir=str(tmp_path / "kafka-spool"), flush_timeout=60)
    http_run = scalewatch.init(http_project, run_id=f"{http_project}-0", transport="http", gateway_url=stack.http,
                               token=GATEWAY_TOKENS[http_project], spool_dir=str(tmp_path / "http-spool"),
                               flush_timeout=60)
    trainings = [PacedTraining(kafka_run), PacedTraining(http_run)]
    try:
        _wait(lambda: all(len(t.logged) >= 300 and t.run.stats()["delivered"] > 0 for t in trainings),
              30, "first points delivered")
        stack.stop()
        _wait(lambda: all(not t.run.stats()["online"] and t.run.stats()["spooled"] > 0 for t in trainings),
              30, "both runs to spool")
        for spool_dir in ("kafka-spool", "http-spool"):
            files = list((tmp_path / spool_dir).rglob("*.spool"))
            assert len(files) == 1 and files[0].stat().st_size > 0
        logged_while_down = [len(t.logged) for t in trainings]
        time.sleep(2)
        assert all(len(t.logged) > n for t, n in zip(trainings, logged_while_down)), \
            "the training loops must keep going while the stack is down"
        stack.restart()
    finally:
        for t in trainings:
            t.finish()

    for t in trainings:
        stats = t.run.stats()
        assert t.slowest_log < 0.5, f"a log call blocked the training loop for {t.slowest_log:.2f} s"
        assert stats["spooled"] > 0 and stats["backlog"] == 0 and stats["rejected"] == 0, stats
        assert t.logged == list(range(len(t.logged)))
    assert not list(tmp_path.rglob("*.spool")), "spool files are deleted once everything is acknowledged"

    kafka_steps, http_steps = (len(t.logged) for t in trainings)
    raw = arrived_events(stack, [kafka_run.run_id], metrics=kafka_steps * len(METRICS), source="raw")
    check_exactly_once(raw, [kafka_run.run_id], kafka_steps, kafka_project, source="raw")  # no duplicate even raw
    for run, steps, project in ((kafka_run, kafka_steps, kafka_project), (http_run, http_steps, http_project)):
        found = arrived_events(stack, [run.run_id], metrics=steps * len(METRICS))
        check_exactly_once(found, [run.run_id], steps, project)


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
