"""Shared by unit and integration tests."""
import pytest

from scalewatch._config import ENVIRONMENT


@pytest.fixture(autouse=True)
def no_scalewatch_environment(monkeypatch):
    """The SCALEWATCH_* variables override init's arguments: tests must not inherit the caller's."""
    for variable in ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
