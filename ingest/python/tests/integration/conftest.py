"""Session fixture: one stack for all integration tests (see stack.py)."""
import shutil
import tempfile
from pathlib import Path

import pytest

from stack import JAR, Stack


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Marks every test of this directory `integration` (deselect with -m "not integration")."""
    for item in items:
        if Path(str(item.fspath)).resolve().parent == HERE:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def stack():
    if not JAR.exists():
        raise FileNotFoundError(f"{JAR} is missing: build it first with 'mvn -pl app -am package -DskipTests'")
    work = Path(tempfile.mkdtemp(prefix="scalewatch-sdk-it-"))
    s = Stack(work)
    try:
        s.start()
        s.wait_healthy()
        yield s
    finally:
        s.stop()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def spool_dir(tmp_path):
    return tmp_path / "spool"
