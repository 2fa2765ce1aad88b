"""Builds the contract's events (Run, MetricPoint, EvalResult) as plain dicts and validates inputs.

Field names are those of the .avsc files; timestamps are epoch milliseconds. Every check raises
InvalidEventError naming the argument, the value and what is expected, before anything is queued.
"""
from __future__ import annotations

import json
import math
import numbers
import re
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

# The contract's limits, as the normalizer and the gateway check them (ingest's EventValidator): an
# event over a limit would be dead-lettered, so the SDK refuses it at the call with the same message.
MAX_NAME_CHARS = 256  # project, run id, metric, task, split, name, model family, map keys (UTF-16 units)
MAX_VALUE_CHARS = 4096  # map values, dataset
MAX_MAP_ENTRIES = 1000  # entries of hyperparameters or tags
MAX_MAP_BYTES = 256 * 1024  # UTF-8 keys and values of hyperparameters or of tags together
SHOWN_CHARS = 64  # characters of a long value quoted in a message
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Java's Character.isISOControl
_KNOWN_NAMES: Dict[str, None] = {}  # metric names already checked (log() is on the training loop's path)
_KNOWN_NAMES_MAX = 10_000


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


# -- the contract's rules, worded as ingest's Violations (Java) words them ------------------------
def _utf16_length(value: str) -> int:
    """Length as Java counts it (UTF-16 code units): characters beyond U+FFFF count twice."""
    return len(value) + sum(1 for c in value if ord(c) > 0xFFFF) if not value.isascii() else len(value)


def _abbreviate(value: str) -> str:
    if _utf16_length(value) <= SHOWN_CHARS:
        return value
    return f"{value[:SHOWN_CHARS]}... ({_utf16_length(value)} chars)"


def show(value: Any) -> str:
    """A value as a message quotes it: strings abridged to 64 characters, control characters as \\uXXXX."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return "'" + _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", _abbreviate(value)) + "'"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")  # as Java prints them
    return str(value)


class Violations:
    """Collects the broken rules of one event; ``check`` raises them together, as the normalizer
    words its dead letters: ``invalid Run: <field> <rule>: <value>; ...``."""

    def __init__(self) -> None:
        self.messages: List[str] = []

    def add(self, field: str, value: Any, rule: str) -> None:
        self.messages.append(f"{field} {rule}: {show(value)}")

    def name(self, field: str, value: Optional[str], max_chars: int = MAX_NAME_CHARS, required: bool = True) -> None:
        """A name: (if required) not blank, at most ``max_chars``, no control character."""
        if value is None:
            return
        if required and not value.strip():
            self.add(field, value, "must not be blank")
            return
        self.max_length(field, value, max_chars)
        self.no_control_characters(field, value)

    def max_length(self, field: str, value: str, max_chars: int) -> None:
        if len(value) * 2 > max_chars and _utf16_length(value) > max_chars:
            self.add(field, value, f"must be at most {max_chars} characters, was {_utf16_length(value)} "
                                   "(rejected, not truncated)")

    def no_control_characters(self, field: str, value: str) -> None:
        found = _CONTROL.search(value)
        if found is not None:
            index = _utf16_length(value[:found.start()])
            self.add(field, value, "must not contain control characters (NUL, newline, tab, ...): "
                                   f"U+{ord(found.group()):04X} at index {index}")

    def finite_non_negative(self, field: str, value: Optional[float]) -> None:
        if value is None:
            return
        if not math.isfinite(value):
            self.add(field, value, "must be finite")
        elif value < 0:
            self.add(field, value, "must be >= 0")

    def bounded_map(self, field: str, mapping: Mapping[str, str]) -> None:
        """At most 1000 entries, keys not blank, at most 256 characters and free of control characters,
        values at most 4096 characters, all keys and values together at most 256 KiB in UTF-8."""
        if len(mapping) > MAX_MAP_ENTRIES:
            self.add(field, len(mapping), f"must have at most {MAX_MAP_ENTRIES} entries")
            return
        size = 0
        for key, value in mapping.items():
            if not key.strip():
                self.add(field, key, "keys must not be blank")
            elif _utf16_length(key) <= MAX_NAME_CHARS:
                self.no_control_characters(field + " key", key)
            else:
                self.max_length(field + " key", key, MAX_NAME_CHARS)
            self.max_length(f"{field}['{_abbreviate(key)}']", value, MAX_VALUE_CHARS)
            size += len(key.encode("utf-8", "surrogatepass")) + len(value.encode("utf-8", "surrogatepass"))
        if size > MAX_MAP_BYTES:
            self.add(field, size, f"must take at most {MAX_MAP_BYTES} bytes (UTF-8 keys and values together) so "
                                  f"that the event fits every topic downstream; was {size} bytes in "
                                  f"{len(mapping)} entries (send fewer or shorter entries)")

    def check(self, kind: str) -> None:
        if self.messages:
            raise InvalidEventError(f"invalid {kind}: " + "; ".join(self.messages))


def check_run(project: str, run_id: str, fields: Mapping[str, Any]) -> None:
    """Raises InvalidEventError if the Run record of ``init`` breaks a rule of the contract (every
    broken rule named, with its field and abridged value), so that nothing the normalizer would
    dead-letter is sent."""
    v = Violations()
    v.name("project", project)
    v.name("run_id", run_id)
    v.name("name", fields.get("name"), required=False)
    v.name("model_family", fields.get("model_family"), required=False)
    dataset = fields.get("dataset")
    if dataset is not None:
        v.max_length("dataset", dataset, MAX_VALUE_CHARS)
    v.bounded_map("hyperparameters", fields.get("hyperparameters") or {})
    v.bounded_map("tags", fields.get("tags") or {})
    v.check("Run")


def _check_metric_name(metric: str) -> None:
    if metric in _KNOWN_NAMES:
        return
    v = Violations()
    v.name("metric", metric)
    v.check("MetricPoint")
    if len(_KNOWN_NAMES) >= _KNOWN_NAMES_MAX:
        _KNOWN_NAMES.clear()
    _KNOWN_NAMES[metric] = None


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
    if split is not None or flops is not None:
        v = Violations()
        v.finite_non_negative("flops", flops)
        if split is not None:
            v.name("split", text("split", split))
        v.check("MetricPoint")
    event_time = now_ms()
    points = []
    for metric, value in metrics.items():
        if not isinstance(metric, str) or not metric:
            raise InvalidEventError(f"metric names must be non-empty strings, got {metric!r}")
        _check_metric_name(metric)
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
    step_value, tokens_value, flops_value = count("step", step, required=True), count("tokens", tokens), \
        optional_real("flops", flops)
    task_value, metric_value, value_value = text("task", task), text("metric", metric), real("value", value)
    stderr_value = optional_real("stderr", stderr)
    v = Violations()
    v.finite_non_negative("flops", flops_value)
    v.name("task", task_value)
    v.name("metric", metric_value)
    v.finite_non_negative("stderr", stderr_value)
    v.check("EvalResult")
    return {"project": project, "run_id": run_id, "step": step_value, "tokens_seen": tokens_value,
            "flops": flops_value, "task": task_value, "metric": metric_value, "value": value_value,
            "stderr": stderr_value, "sample_count": count("sample_count", sample_count), "shots": shots_value,
            "event_time": now_ms()}


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
