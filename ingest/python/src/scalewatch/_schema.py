"""The RawEvent schema the SDK ships: RawEvent with Run, MetricPoint and EvalResult inlined."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

RAW_TOPIC = "scalewatch.raw"
RAW_SUBJECT = RAW_TOPIC + "-value"
NAMESPACE = "dev.scalewatch.schemas"
BRANCHES = {"run": NAMESPACE + ".Run", "metric": NAMESPACE + ".MetricPoint", "eval": NAMESPACE + ".EvalResult"}


@lru_cache(maxsize=1)
def raw_event_schema() -> str:
    """The Avro schema text registered under ``scalewatch.raw-value`` (a copy of schemas/src/main/avro)."""
    return resources.files(__package__).joinpath("raw_event.avsc").read_text(encoding="utf-8")
