"""The disk of the data directory nearly fills up in the middle of two runs (one per transport): the
stack refuses new events with a clear answer instead of letting the broker die on a full disk, both
SDK runs spool, everything inside keeps running, and once space is freed every point arrives exactly
once. The stack runs on a small tmpfs the test mounts (root is needed to mount; CI runs as root)."""
import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

import scalewatch
from arrivals import arrived_events
from stack import GATEWAY_TOKENS, Stack
from workload import METRICS, check_exactly_once, log_steps

DISK_MB = 320
RESERVE_MB = 96  # --min-free-disk
PACE = 0.02  # seconds between steps (10 metrics each): about 500 points/s per run, gentle on a small disk


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"cannot mount a {DISK_MB} MiB tmpfs for this test (it needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def small_stack(tmp_path, small_disk):
    stack = Stack(tmp_path, data_dir=small_disk / "data", extra_args=("--min-free-disk", f"{RESERVE_MB}MiB"))
    try:
        stack.start()
        stack.wait_healthy()
        yield stack
    finally:
        stack.stop()


class PacedTraining:
    """Logs steps at a steady pace from its own thread until told to finish."""

    def __init__(self, run):
        self.run = run
        self.steps = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._train)
        self.thread.start()

    def _train(self):
        while not self.stopping.is_set():
            log_steps(self.run, 0, range(self.steps, self.steps + 1))
            self.steps += 1
            time.sleep(PACE)

    def finish(self):
        self.stopping.set()
        self.thread.join()
        self.run.finish()


def _free_bytes(path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def _disk(stack) -> dict:
    with urllib.request.urlopen(stack.http + "/health", timeout=5) as response:
        assert response.status == 200
        return json.load(response)["components"]["disk"]["details"]


def _post_metric(stack, project):
    body = json.dumps([{"run_id": "probe", "step": 1, "metric": "train/loss", "value": 1.0,
                        "event_time": "2026-01-01T00:00:00Z"}]).encode()
    request = urllib.request.Request(stack.http + "/v1/metrics", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {GATEWAY_TOKENS[project]}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.load(e)


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)


def test_disk_nearly_full_refuses_new_events_sdk_spools_then_everything_arrives_once(small_stack, small_disk,
                                                                                      tmp_path):
    stack = small_stack
    kafka_project, http_project = "sdk-kafka-diskfull", "sdk-http-diskfull"
    kafka_run = scalewatch.init(kafka_project, run_id=f"{kafka_project}-0", transport="kafka",
                                bootstrap_servers=stack.bootstrap, registry_url=stack.registry,
                                spool_dir=str(tmp_path / "kafka-spool"), flush_timeout=60)
    http_run = scalewatch.init(http_project, run_id=f"{http_project}-0", transport="http", gateway_url=stack.http,
                               token=GATEWAY_TOKENS[http_project], spool_dir=str(tmp_path / "http-spool"),
                               flush_timeout=60)
    trainings = [PacedTraining(kafka_run), PacedTraining(http_run)]
    ballast = small_disk / "ballast"
    try:
        _wait(lambda: all(t.run.stats()["delivered"] > 0 for t in trainings), 30, "first points delivered")
        assert _disk(stack)["acceptingEvents"] is True

        # Leave 16 MiB less than the reserve free
        size = _free_bytes(small_disk) - (RESERVE_MB - 16) * 2 ** 20
        subprocess.run(["fallocate", "-l", str(size), str(ballast)], check=True)
        _wait(lambda: _disk(stack)["acceptingEvents"] is False, 10, "/health to report the disk refusing events")

        status, headers, body = _post_metric(stack, http_project)
        assert status == 503, body
        assert "Retry-After" in headers
        assert body["accepted"] == 0 and "nearly full" in body["errors"][0]["message"], body
        assert f"--min-free-disk" in body["errors"][0]["message"]

        _wait(lambda: all(not t.run.stats()["online"] and t.run.stats()["spooled"] > 0 for t in trainings),
              30, "both runs to spool")
        steps_while_full = [t.steps for t in trainings]
        time.sleep(3)
        assert all(t.steps > n for t, n in zip(trainings, steps_while_full)), "training must go on"
        assert stack.process.poll() is None, "the stack must keep running:\n" + stack.tail_log()
        health = _disk(stack)
        assert health["freeBytes"] < RESERVE_MB * 2 ** 20 and health["freeBytes"] > 0

        ballast.unlink()
        _wait(lambda: _disk(stack)["acceptingEvents"] is True, 10, "/health to report events taken again")
        _wait(lambda: all(t.run.stats()["online"] and t.run.stats()["backlog"] == 0 for t in trainings),
              60, "both runs to replay their spools")
    finally:
        for t in trainings:
            t.finish()

    for t in trainings:
        stats = t.run.stats()
        assert stats["spooled"] > 0 and stats["backlog"] == 0 and stats["rejected"] == 0, stats
    assert not list(tmp_path.rglob("*.spool")), "spool files are deleted once everything is acknowledged"
    assert "is nearly full" in stack.tail_log(200_000), "the stack logs the refusal"

    for t, project in zip(trainings, (kafka_project, http_project)):
        found = arrived_events(stack, [t.run.run_id], metrics=t.steps * len(METRICS))
        check_exactly_once(found, [t.run.run_id], t.steps, project)
