"""The HTTP transport against the stack's ingest gateway: volume, exactly once, contents."""

import scalewatch
from arrivals import arrived_events
from stack import GATEWAY_TOKENS
from workload import METRICS, check_exactly_once, log_steps, run_concurrently

RUNS = 10
STEPS = 1000  # x 10 metrics x 10 runs = 100k points


def http_run(stack, spool_dir, project, run_id, **kwargs):
    return scalewatch.init(project, run_id=run_id, transport="http", gateway_url=stack.http,
                           token=GATEWAY_TOKENS[project], spool_dir=str(spool_dir), **kwargs)


def test_100k_points_from_10_concurrent_runs_arrive_exactly_once_over_http(stack, spool_dir):
    project = "sdk-http-volume"
    run_ids = [f"{project}-{i}" for i in range(RUNS)]

    def train(i):
        with http_run(stack, spool_dir, project, run_ids[i], params=350e6, config={"lr": 1e-3}) as run:
            log_steps(run, i, range(STEPS))
            assert run.flush(120)
            stats = run.stats()
            assert stats["spooled"] == 0 and stats["rejected"] == 0, stats

    run_concurrently(RUNS, train)
    found = arrived_events(stack, run_ids, metrics=RUNS * STEPS * len(METRICS), evals=RUNS * 5, runs=2 * RUNS)
    check_exactly_once(found, run_ids, STEPS, project, params=350_000_000)
    assert sorted(r["status"] for r in found.runs) == ["FINISHED"] * RUNS + ["RUNNING"] * RUNS
    assert all(r["parameters"] == 350_000_000 and r["hyperparameters"] == {"lr": "0.001"} for r in found.runs)
    assert not list(spool_dir.rglob("*.spool"))
