"""ScaleWatch SDK: log metrics and evals of a running training to ScaleWatch.

    import scalewatch
    with scalewatch.init("my-sweep", params=1.3e9, tokens_planned=26e9, config={"lr": 3e-4}) as run:
        for step in range(steps):
            ...
            run.log({"train/loss": loss, "lr": lr}, step=step, tokens=tokens_seen)
        run.log_eval("arithmetic_3digit_addition", "accuracy", 0.41, step=step, stderr=0.01)
"""
from ._errors import ConfigurationError, InvalidEventError, RunClosedError, ScaleWatchError
from ._run import Run, init, new_run_id
from ._schema import RAW_SUBJECT, RAW_TOPIC, raw_event_schema

try:
    from importlib.metadata import version as _version

    __version__ = _version("scalewatch")
except Exception:  # running from a source tree without installing
    __version__ = "0+unknown"

__all__ = [
    "ConfigurationError",
    "InvalidEventError",
    "RAW_SUBJECT",
    "RAW_TOPIC",
    "Run",
    "RunClosedError",
    "ScaleWatchError",
    "__version__",
    "init",
    "new_run_id",
    "raw_event_schema",
]
