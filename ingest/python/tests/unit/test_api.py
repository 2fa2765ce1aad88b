"""The public API: init, log, log_eval, finish, the context manager, configuration precedence."""
import os
import re
import subprocess
import sys
import textwrap

import pytest

import scalewatch
from fake_gateway import PROJECT, TOKEN
from scalewatch._config import Settings


def test_init_sends_a_running_run_and_finish_a_finished_one_with_the_run_metadata(gateway, tmp_path):
    run = scalewatch.init(
        PROJECT, params=1.3e9, tokens_planned=26e9, config={"optim": {"lr": 3e-4}, "layers": 24},
        name="gpt-small", model_family="gpt-neox", non_embedding_params=1.2e9, dataset="pile-v1",
        tags={"owner": "ana"}, transport="http", gateway_url=gateway.url, token=TOKEN,
        spool_dir=str(tmp_path))
    try:
        assert re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{8}", run.run_id)
    finally:
        run.finish()
    started, finished = gateway.received["run"]
    assert started["status"] == "RUNNING" and finished["status"] == "FINISHED"
    for record in (started, finished):
        assert record["run_id"] == run.run_id and record["project"] == PROJECT
        assert (record["parameters"], record["non_embedding_parameters"], record["planned_tokens"]) == \
            (1_300_000_000, 1_200_000_000, 26_000_000_000)
        assert record["hyperparameters"] == {"optim.lr": "0.0003", "layers": "24"}
        assert (record["name"], record["model_family"], record["dataset"], record["tags"]) == \
            ("gpt-small", "gpt-neox", "pile-v1", {"owner": "ana"})
        assert record["started_at"] == started["started_at"] and record["updated_at"] >= record["started_at"]
    assert started["ended_at"] is None and finished["ended_at"] >= finished["started_at"]


def test_log_eval_sends_an_eval_result(gateway, http_run):
    run = http_run()
    run.log_eval("arithmetic_3digit_addition", "accuracy", 0.41, step=20000, stderr=0.01, shots=2, tokens=4e9)
    run.finish()
    (result,) = gateway.received["eval"]
    fields = ("task", "metric", "value", "step", "stderr", "shots", "tokens_seen", "sample_count")
    assert {k: result[k] for k in fields} == \
        {"task": "arithmetic_3digit_addition", "metric": "accuracy", "value": 0.41, "step": 20000, "stderr": 0.01,
         "shots": 2, "tokens_seen": 4_000_000_000, "sample_count": None}


@pytest.mark.parametrize("error,status", [(None, "FINISHED"), (ValueError, "FAILED"), (KeyboardInterrupt, "KILLED")])
def test_context_manager_finishes_with_the_status_of_the_block(gateway, http_run, error, status):
    with pytest.raises(error) if error else _nothing():
        with http_run() as run:
            run.log({"loss": 1.0}, step=1)
            if error:
                raise error()
    assert gateway.received["run"][-1]["status"] == status


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


def test_logging_after_finish_raises_and_a_second_finish_does_nothing(gateway, http_run):
    run = http_run()
    run.finish("failed")
    run.finish()
    with pytest.raises(scalewatch.RunClosedError, match="is finished"):
        run.log({"loss": 1.0}, step=2)
    assert [r["status"] for r in gateway.received["run"]] == ["RUNNING", "FAILED"]


def test_programming_errors_raise_at_the_call_and_send_nothing_of_it(gateway, http_run):
    run = http_run()
    with pytest.raises(scalewatch.InvalidEventError, match="step is required"):
        run.log({"loss": 1.0}, step=None)
    with pytest.raises(scalewatch.InvalidEventError, match=r"metrics\['acc'\] must be a real number"):
        run.log({"loss": 1.0, "acc": "high"}, step=1)
    with pytest.raises(scalewatch.InvalidEventError, match="status must be one of"):
        run.finish("done")
    run.finish()
    assert gateway.received["metric"] == []
    assert isinstance(scalewatch.InvalidEventError("x"), ValueError)


@pytest.mark.parametrize("kwargs,message", [
    ({"project": ""}, "project must be a non-empty string"),
    ({"project": "p", "run_id": 7}, "run_id must be a non-empty string"),
    ({"project": "p", "params": -1}, "params must be >= 0"),
    ({"project": "p", "tokens_planned": 1.5}, "tokens_planned must be a whole number"),
    ({"project": "p", "transport": "carrier-pigeon"}, "transport must be one of kafka, http"),
    ({"project": "p", "transport": "http", "gateway_url": "ftp://x", "token": "t"}, "gateway_url must be an http"),
])
def test_init_rejects_bad_arguments(kwargs, message, tmp_path):
    with pytest.raises(scalewatch.ScaleWatchError, match=message):
        scalewatch.init(spool_dir=str(tmp_path), **kwargs)


def test_environment_overrides_init_arguments_and_defaults_apply_otherwise():
    env = {"SCALEWATCH_TRANSPORT": "http", "SCALEWATCH_GATEWAY_URL": "http://gw:8080/",
           "SCALEWATCH_TOKEN": "t", "SCALEWATCH_BOOTSTRAP_SERVERS": "kafka:9092", "SCALEWATCH_SPOOL_DIR": "/s"}
    s = Settings.resolve(environ=env, transport="kafka", bootstrap_servers="other:1", spool_dir="/x")
    assert (s.transport, s.gateway_url, s.token, s.bootstrap_servers, str(s.spool_dir)) == \
        ("http", "http://gw:8080", "t", "kafka:9092", "/s")
    d = Settings.resolve(environ={})
    assert (d.transport, d.bootstrap_servers, d.registry_url) == ("kafka", "127.0.0.1:9092", "http://127.0.0.1:8081")
    assert str(d.spool_dir).endswith(".cache/scalewatch/spool")


def test_http_transport_works_without_confluent_kafka(gateway, tmp_path):
    script = textwrap.dedent(f"""
        import sys
        sys.modules["confluent_kafka"] = None  # any import of it fails
        import scalewatch
        with scalewatch.init("{PROJECT}", run_id="no-kafka", transport="http", gateway_url="{gateway.url}",
                             token="{TOKEN}", spool_dir="{tmp_path}") as run:
            run.log({{"loss": 1.0}}, step=1)
        assert "confluent_kafka" not in [m for m in sys.modules if sys.modules[m] is not None]
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            env={k: v for k, v in os.environ.items() if not k.startswith("SCALEWATCH_")})
    assert result.returncode == 0, result.stderr
    assert [p["run_id"] for p in gateway.received["metric"]] == ["no-kafka"]


def test_kafka_transport_that_cannot_start_spools_instead_of_raising(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        sys.modules["confluent_kafka"] = None  # the Kafka client is missing
        import scalewatch
        with scalewatch.init("{PROJECT}", run_id="no-client", transport="kafka", spool_dir="{tmp_path}",
                             flush_timeout=0.5) as run:
            run.log({{"loss": float("nan")}}, step=1)
        assert run.stats()["spooled"] == 3, run.stats()
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            env={k: v for k, v in os.environ.items() if not k.startswith("SCALEWATCH_")})
    assert result.returncode == 0, result.stderr
    assert "cannot start the transport" in result.stderr
    (spool,) = (tmp_path / PROJECT).glob("*.spool")
    assert len(spool.read_text().splitlines()) == 3  # RUNNING, the point, FINISHED


def test_a_run_left_unfinished_is_flushed_at_interpreter_exit(gateway, tmp_path):
    script = textwrap.dedent(f"""
        import scalewatch
        run = scalewatch.init("{PROJECT}", run_id="no-finish", transport="http", gateway_url="{gateway.url}",
                              token="{TOKEN}", spool_dir="{tmp_path}")
        for step in range(500):
            run.log({{"loss": 1.0 / (step + 1)}}, step=step)
        del run  # dropped without finish
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            env={k: v for k, v in os.environ.items() if not k.startswith("SCALEWATCH_")})
    assert result.returncode == 0, result.stderr
    assert sorted(p["step"] for p in gateway.received["metric"]) == list(range(500))
    assert [r["status"] for r in gateway.received["run"]] == ["RUNNING"]


def test_public_surface():
    assert set(scalewatch.__all__) >= {"init", "Run", "ScaleWatchError", "ConfigurationError", "InvalidEventError",
                                       "RunClosedError"}
    assert all(hasattr(scalewatch, name) for name in scalewatch.__all__)


def test_http_transport_defaults_to_the_gateway_of_a_local_up():
    s = Settings.resolve(environ={}, transport="http", token="t")
    assert s.gateway_url == "http://127.0.0.1:8080"
    env = Settings.resolve(environ={"SCALEWATCH_GATEWAY_URL": "http://gw:9000"}, transport="http", token="t")
    assert env.gateway_url == "http://gw:9000"
    with pytest.raises(scalewatch.ConfigurationError, match="needs the project's token"):
        Settings.resolve(environ={}, transport="http")


def test_init_refuses_a_run_the_normalizer_would_dead_letter_and_sends_nothing(gateway, http_run):
    with pytest.raises(scalewatch.InvalidEventError, match=r"invalid Run: hyperparameters must take at most 262144 "
                                                           r"bytes .* was 4004000 bytes in 1000 entries"):
        http_run(config={f"k{i:03d}": "x" * 4000 for i in range(1000)})
    with pytest.raises(scalewatch.InvalidEventError, match=r"invalid Run: tags key must not contain control"):
        http_run(tags={"team\x00": "a"})
    run = http_run()
    with pytest.raises(scalewatch.InvalidEventError, match=r"metric must not contain control characters"):
        run.log({"loss": 1.0, "acc\n": 0.5}, step=1)
    run.finish()
    assert gateway.received["metric"] == []
    assert [r["status"] for r in gateway.received["run"]] == ["RUNNING", "FINISHED"]
