"""Fixtures of the unit tests: the stand-in gateway and runs against it."""
import pytest

from fake_gateway import PROJECT, TOKEN, FakeGateway


@pytest.fixture
def gateway():
    g = FakeGateway()
    yield g
    g.stop()


@pytest.fixture
def http_run(gateway, tmp_path):
    """init() against the fake gateway, spooling under tmp_path."""
    import scalewatch

    runs = []

    def start(run_id="r1", **kwargs):
        settings = {"transport": "http", "gateway_url": gateway.url, "token": TOKEN,
                    "spool_dir": str(tmp_path / "spool"), "flush_timeout": 10, **kwargs}
        run = scalewatch.init(PROJECT, run_id=run_id, **settings)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.close(timeout=10)
