"""A deterministic training workload: 10 metrics per step, NaN/inf included, and a few evals."""
import math
import threading
from typing import Callable, Dict, List, Optional, Tuple

import scalewatch
from arrivals import ARRIVAL

METRICS = ("train/loss", "val/loss", "test/loss", "eval/ppl", "lr", "grad_norm", "tokens_per_s",
           "loss_scale", "weight_norm", "train/acc")
SPLITS = {"train/loss": "train", "val/loss": "validation", "test/loss": "test", "eval/ppl": "eval"}
EVAL_EVERY = 200


def value(run_index: int, step: int, metric_index: int) -> float:
    if step % 997 == 13 and metric_index == 0:
        return (math.nan, math.inf, -math.inf)[run_index % 3]  # divergence signals are data
    return 3.0 / math.sqrt(step + 1) + run_index + metric_index / 100.0


def tokens(step: int) -> int:
    return step * 4096


def log_steps(run: scalewatch.Run, run_index: int, steps: range,
              between: Callable[[int], None] = lambda s: None) -> None:
    for step in steps:
        run.log({name: value(run_index, step, i) for i, name in enumerate(METRICS)}, step=step, tokens=tokens(step))
        if step % EVAL_EVERY == 0:
            run.log_eval("arith_3digit_add", "accuracy", step / 1e5, step=step, stderr=0.01, shots=2)
        between(step)


def expected(run_ids: List[str], steps: int) -> Tuple[Dict[tuple, float], int]:
    points = {(run_id, name, step): value(i, step, m) for i, run_id in enumerate(run_ids)
              for step in range(steps) for m, name in enumerate(METRICS)}
    evals = len(run_ids) * len(range(0, steps, EVAL_EVERY))
    return points, evals


def run_concurrently(count: int, target: Callable[[int], None]) -> None:
    errors = []

    def guarded(i: int) -> None:
        try:
            target(i)
        except BaseException as e:  # surfaced in the test thread
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def check_exactly_once(found, run_ids: List[str], steps: int, project: str, params: Optional[int] = None,
                       source: str = ARRIVAL) -> None:
    """Counts and contents: each expected point once, nothing else. ``params`` is the runs' N: after
    the normalizer (source "normalized") points carry it and flops = 6 N D; raw points carry neither."""
    enriched = source != "raw" and params is not None
    points, evals = expected(run_ids, steps)
    assert len(found.metrics) == len(points), f"{len(found.metrics)} metric points arrived, expected {len(points)}"
    seen = {}
    for p in found.metrics:
        key = (p["run_id"], p["metric"], p["step"])
        assert key not in seen, f"duplicate point {key}"
        seen[key] = p
    assert seen.keys() == points.keys()
    for key, want in points.items():
        got = seen[key]
        assert (math.isnan(want) and math.isnan(got["value"])) or got["value"] == want, (key, got["value"], want)
        assert got["project"] == project
        assert got["tokens_seen"] == tokens(key[2])
        assert got["split"] == SPLITS.get(key[1], "train")
        assert got["flops"] == (6.0 * params * tokens(key[2]) if enriched else None), (key, got["flops"])
        assert got.get("parameters") == (params if enriched else None)
    assert len(found.evals) == evals
    assert len({(e["run_id"], e["step"]) for e in found.evals}) == evals
    assert all(e["task"] == "arith_3digit_add" and e["stderr"] == 0.01 and e["shots"] == 2 for e in found.evals)
