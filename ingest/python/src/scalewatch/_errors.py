"""The exceptions the SDK raises into the caller's code (never for transport trouble)."""


class ScaleWatchError(Exception):
    """Base class of every exception raised by scalewatch."""


class ConfigurationError(ScaleWatchError, ValueError):
    """A setting is missing, malformed or conflicts with another one (raised by ``init``)."""


class InvalidEventError(ScaleWatchError, ValueError):
    """A logged value has the wrong type or a required value is missing or out of range.

    Raised at once by ``log``, ``log_eval`` and ``finish``; nothing of that call is sent.
    """


class RunClosedError(ScaleWatchError, RuntimeError):
    """The run was finished or closed; it accepts no more events."""
