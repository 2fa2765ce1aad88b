"""Events a run could not deliver before it ended stay in the spool; scalewatch-sync sends them."""
import subprocess
import sys

from arrivals import arrived_events
from stack import free_ports
from test_kafka_it import kafka_run
from workload import METRICS, check_exactly_once, log_steps


def test_events_left_in_the_spool_at_exit_are_sent_by_scalewatch_sync(stack, spool_dir):
    project = "sdk-kafka-sync"
    run_ids = [f"{project}-0"]
    nowhere = f"127.0.0.1:{free_ports(('kafka',))['kafka']}"  # no broker listens here
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

