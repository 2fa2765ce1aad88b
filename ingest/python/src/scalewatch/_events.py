"""Builds the contract's events (Run, MetricPoint, EvalResult) as plain dicts and validates inputs.

Field names are those of the .avsc files; timestamps are epoch milliseconds. Every check raises
InvalidEventError naming the argument, the value and what is expected, before anything is queued.
"""
from __future__ import annotations

import json
import math
import numbers
import time
from typing import Any, Dict, List, Mapping, Optional

from ._errors import InvalidEventError

RUN = "run"
METRIC = "metric"
EVAL = "eval"
KINDS = (RUN, METRIC, EVAL)
STATUSES = ("PLANNED", "RUNNING", "FINISHED", "FAILED", "KILLED")
# metric-name prefix -> split; any other name is split "train" (unless split= is given)
SPLIT_PREFIXES = (("val/", "validation"), ("valid/", "validation"), ("validation/", "validation"),
                  ("eval/", "eval"), ("test/", "test"), ("train/", "train"))
DOUBLE_FIELDS = {METRIC: ("flops", "value"), EVAL: ("flops", "value", "stderr"), RUN: ()}


def now_ms() -> int:
    return int(time.time() * 1000)


def _scalar(value: Any) -> Any:
    """Unwraps 0-d numpy arrays and tensors (anything with .item()) to a Python scalar."""
    item = getattr(value, "item", None)
    if item is not None and not isinstance(value, (str, bytes)):
        try:
            return item()
        except (TypeError, ValueError):
            return value
    return value


def real(name: str, value: Any) -> float:
    """A float from a real number; NaN and infinities are kept (they are the divergence signal)."""
    if type(value) is float:  # the common case, checked first: log() is on the training loop's path
        return value
    value = _scalar(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidEventError(
            f"{name} must be a real number (NaN and inf allowed), got {type(value).__name__}: {value!r}")
    return float(value)


def optional_real(name: str, value: Any) -> Optional[float]:
    return None if value is None else real(name, value)


def count(name: str, value: Any, required: bool = False) -> Optional[int]:
    """A non-negative integer; integral floats such as 2.1e9 are accepted, fractions are not."""
    if type(value) is int and 0 <= value < 1 << 63:
        return value
    if value is None:
        if required:
            raise InvalidEventError(f"{name} is required (a non-negative integer)")
        return None
    value = _scalar(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidEventError(f"{name} must be a non-negative integer, got {type(value).__name__}: {value!r}")
    if not isinstance(value, numbers.Integral):
        if not math.isfinite(value) or value != math.floor(value):
            raise InvalidEventError(f"{name} must be a whole number, got {value!r}")
    result = int(value)  # type: ignore[call-overload]  # a Real that is integral
    if result < 0:
        raise InvalidEventError(f"{name} must be >= 0, got {result}")
    if result >= 1 << 63:
        raise InvalidEventError(f"{name} must be < 2**63 (an Avro long), got {result}")
    return result


def text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidEventError(f"{name} must be a non-empty string, got {type(value).__name__}: {value!r}")
    return value


def optional_text(name: str, value: Any) -> Optional[str]:
    return None if value is None else text(name, value)


def split_of(metric: str) -> str:
    for prefix, split in SPLIT_PREFIXES:
        if metric.startswith(prefix):
            return split
    return "train"


def flatten(name: str, mapping: Optional[Mapping[str, Any]]) -> Dict[str, str]:
    """Flattens nested dicts to dotted keys with values rendered as text ('optim.lr' -> '0.0003')."""
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise InvalidEventError(f"{name} must be a dict, got {type(mapping).__name__}")
    flat: Dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, str):
            flat[prefix] = value
        elif isinstance(value, (bool, type(None), list, tuple)):
            flat[prefix] = json.dumps(value, default=str)
        else:
            flat[prefix] = str(_scalar(value))

    walk("", mapping)
    return flat


def run_event(project: str, run_id: str, status: str, *, name: Optional[str] = None,
              model_family: Optional[str] = None, parameters: Optional[int] = None,
              non_embedding_parameters: Optional[int] = None, planned_tokens: Optional[int] = None,
              dataset: Optional[str] = None, hyperparameters: Optional[Dict[str, str]] = None,
              tags: Optional[Dict[str, str]] = None, started_at: Optional[int] = None,
              ended_at: Optional[int] = None) -> Dict[str, Any]:
    return {"project": project, "run_id": run_id, "name": name, "model_family": model_family,
            "parameters": parameters, "non_embedding_parameters": non_embedding_parameters,
            "planned_tokens": planned_tokens, "dataset": dataset,
            "hyperparameters": dict(hyperparameters or {}), "tags": dict(tags or {}), "status": status,
            "started_at": started_at, "ended_at": ended_at, "updated_at": now_ms()}


def metric_events(project: str, run_id: str, metrics: Any, step: Any, tokens: Any, flops: Any,
                  split: Optional[str]) -> List[Dict[str, Any]]:
    """One MetricPoint per key of ``metrics``; validates everything before returning any."""
    if not isinstance(metrics, Mapping):
        raise InvalidEventError(f"metrics must be a dict of name -> number, got {type(metrics).__name__}")
    if not metrics:
        raise InvalidEventError("metrics is empty: log at least one name -> number")
    step = count("step", step, required=True)
    tokens = count("tokens", tokens)
    flops = optional_real("flops", flops)
    if split is not None:
        text("split", split)
    event_time = now_ms()
    points = []
    for metric, value in metrics.items():
        if not isinstance(metric, str) or not metric:
            raise InvalidEventError(f"metric names must be non-empty strings, got {metric!r}")
        points.append({"project": project, "run_id": run_id, "step": step, "tokens_seen": tokens,
                       "flops": flops, "event_time": event_time, "metric": metric,
                       "split": split or split_of(metric), "value": real(f"metrics[{metric!r}]", value)})
    return points


def eval_event(project: str, run_id: str, task: Any, metric: Any, value: Any, step: Any, *,
               stderr: Any = None, sample_count: Any = None, shots: Any = None, tokens: Any = None,
               flops: Any = None) -> Dict[str, Any]:
    shots_value = count("shots", shots)
    if shots_value is not None and shots_value >= 1 << 31:
        raise InvalidEventError(f"shots must be < 2**31, got {shots_value}")
    return {"project": project, "run_id": run_id, "step": count("step", step, required=True),
            "tokens_seen": count("tokens", tokens), "flops": optional_real("flops", flops),
            "task": text("task", task), "metric": text("metric", metric), "value": real("value", value),
            "stderr": optional_real("stderr", stderr), "sample_count": count("sample_count", sample_count),
            "shots": shots_value, "event_time": now_ms()}


def _json_double(value: Optional[float]) -> Any:
    if value is None or math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def to_gateway_json(kind: str, event: Mapping[str, Any]) -> Dict[str, Any]:
    """The gateway's JSON form: same field names, untagged unions, NaN/inf as strings."""
    fields = DOUBLE_FIELDS[kind]
    if not fields:
        return dict(event)
    out = dict(event)
    for name in fields:
        out[name] = _json_double(out.get(name))
    return out
