"""Issue 7, log noise: a training process whose broker is down for about a minute writes a few lines to
its log, not a line per librdkafka reconnect attempt, and delivers every point once the broker is back.

Two real training processes (training_child.py) log through the Kafka transport, one with Python's
logging untouched, one with ``logging.basicConfig(level=logging.INFO)``; the stack stops for about a
minute while they log, then restarts on the same ports and data directory."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import scalewatch
from arrivals import Arrivals, arrived_events
from workload import METRICS, check_exactly_once

HERE = Path(__file__).resolve().parent
OUTAGE_SECONDS = 60  # from the stack's exit until it is healthy again
RESTART_SECONDS = 12  # about what `up` takes to become healthy on 2 cores
MAX_LINES = 6  # one warning when the outage starts, a summary a minute, one line when delivery resumes, ...
PROJECT = "sdk-kafka-quiet"
MODES = ("default", "info")


def test_broker_down_for_a_minute_leaves_at_most_a_few_log_lines_and_every_point_arrives_once(stack, tmp_path):
    source = Path(scalewatch.__file__).resolve().parents[1]  # the SDK under test, also in the child
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(source), str(HERE), os.environ.get("PYTHONPATH", "")])}
    children, stderr_files = {}, {}
    for mode in MODES:
        control = tmp_path / mode
        control.mkdir()
        stderr_files[mode] = control / "stderr.txt"
        children[mode] = subprocess.Popen(
            [sys.executable, str(HERE / "training_child.py"), "--logging", mode, "--bootstrap", stack.bootstrap,
             "--registry", stack.registry, "--spool-dir", str(tmp_path / "spool"), "--project", PROJECT,
             "--run-id", f"{PROJECT}-{mode}", "--control", str(control)],
            stdout=subprocess.DEVNULL, stderr=open(stderr_files[mode], "w"), env=env)
    try:
        _wait(lambda: all((tmp_path / m / "delivering").exists() for m in MODES), 60, "first points delivered",
              children)
        stack.stop()
        exited = time.monotonic()
        time.sleep(OUTAGE_SECONDS - RESTART_SECONDS)
        stack.restart()
        down_for = time.monotonic() - exited
        time.sleep(3)  # the trainings keep logging after the broker is back
    finally:
        for mode in MODES:
            (tmp_path / mode / "stop").touch()
        for child in children.values():
            try:
                child.wait(timeout=120)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    assert down_for >= OUTAGE_SECONDS - RESTART_SECONDS, down_for
    steps = {}
    for mode in MODES:
        lines = stderr_files[mode].read_text().splitlines()
        print(f"\n--- stderr of the training process, logging {mode}, broker down {down_for:.0f} s: "
              f"{len(lines)} lines")
        print("\n".join(lines))
        assert children[mode].returncode == 0, f"training process ({mode}) failed:\n" + "\n".join(lines[-30:])
        result = json.loads((tmp_path / mode / "result.json").read_text())
        stats = result["stats"]
        assert stats["spooled"] > 0 and stats["backlog"] == 0 and stats["rejected"] == 0, stats
        assert len(lines) <= MAX_LINES, f"{len(lines)} lines in the training log ({mode})"
        assert any("transport unavailable" in line for line in lines), "the outage must be reported once"
        assert any("delivers again" in line for line in lines), "the end of the outage must be reported"
        assert not any("Connection refused" in line and "unavailable" not in line for line in lines)
        steps[mode] = result["steps"]
    assert not list((tmp_path / "spool").rglob("*.spool")), "everything spooled was acknowledged"

    run_ids = {mode: f"{PROJECT}-{mode}" for mode in MODES}
    total = sum(steps.values()) * len(METRICS)
    for source in ("raw", "normalized"):  # raw: not even a duplicate the normalizer would drop
        found = arrived_events(stack, list(run_ids.values()), metrics=total, source=source)
        for mode, run_id in run_ids.items():
            check_exactly_once(_of_run(found, run_id), [run_id], steps[mode], PROJECT, source=source)


def _of_run(found: Arrivals, run_id: str) -> Arrivals:
    return Arrivals(metrics=[p for p in found.metrics if p["run_id"] == run_id],
                    evals=[e for e in found.evals if e["run_id"] == run_id],
                    runs=[r for r in found.runs if r["run_id"] == run_id])


def _wait(condition, timeout, what, children):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if any(c.poll() is not None for c in children.values()):
            raise AssertionError(f"a training process exited while waiting for {what}")
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
