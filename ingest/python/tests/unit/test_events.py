"""Event building and validation: programming errors raise at once, NaN/inf are data."""
import math

import pytest

from scalewatch import InvalidEventError
from scalewatch._events import count, eval_event, flatten, metric_events, real, split_of, to_gateway_json


def test_one_metric_point_per_key_with_the_contract_fields():
    points = metric_events("proj", "run-1", {"train/loss": 2.31, "lr": 3e-4}, 1000, 2.1e9, None, None)
    assert [p["metric"] for p in points] == ["train/loss", "lr"]
    first = points[0]
    assert set(first) == {"project", "run_id", "step", "tokens_seen", "flops", "event_time", "metric", "split", "value"}
    assert (first["project"], first["run_id"], first["step"], first["tokens_seen"], first["flops"], first["value"]) == \
        ("proj", "run-1", 1000, 2_100_000_000, None, 2.31)
    assert isinstance(first["event_time"], int) and first["event_time"] > 1_700_000_000_000
    assert points[0]["event_time"] == points[1]["event_time"]


@pytest.mark.parametrize("name,split", [("train/loss", "train"), ("loss", "train"), ("val/loss", "validation"),
                                        ("validation/ppl", "validation"), ("eval/acc", "eval"),
                                        ("test/loss", "test"), ("value/x", "train")])
def test_split_follows_the_metric_name_prefix(name, split):
    assert split_of(name) == split


def test_explicit_split_wins_over_the_prefix():
    assert metric_events("p", "r", {"val/loss": 1.0}, 1, None, None, "heldout")[0]["split"] == "heldout"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinities_are_kept(value):
    got = metric_events("p", "r", {"loss": value}, 1, None, None, None)[0]["value"]
    assert (math.isnan(got) and math.isnan(value)) or got == value


@pytest.mark.parametrize("metrics,step,tokens,message", [
    ([("loss", 1.0)], 1, None, "metrics must be a dict"),
    ({}, 1, None, "metrics is empty"),
    ({"loss": "2.3"}, 1, None, "metrics['loss'] must be a real number"),
    ({"loss": None}, 1, None, "metrics['loss'] must be a real number"),
    ({"loss": True}, 1, None, "must be a real number"),
    ({1: 2.0}, 1, None, "metric names must be non-empty strings"),
    ({"loss": 1.0}, None, None, "step is required"),
    ({"loss": 1.0}, -1, None, "step must be >= 0, got -1"),
    ({"loss": 1.0}, 1.5, None, "step must be a whole number, got 1.5"),
    ({"loss": 1.0}, "10", None, "step must be a non-negative integer, got str"),
    ({"loss": 1.0}, 1, 2.5, "tokens must be a whole number"),
    ({"loss": 1.0}, 1, math.inf, "tokens must be a whole number"),
    ({"loss": 1.0}, 1, 2 ** 63, "tokens must be < 2**63"),
])
def test_programming_errors_raise_with_the_argument_and_value(metrics, step, tokens, message):
    with pytest.raises(InvalidEventError, match=message.replace("[", r"\[").replace("*", r"\*")):
        metric_events("p", "r", metrics, step, tokens, None, None)


def test_integral_floats_and_item_scalars_are_accepted():
    class Scalar:  # numpy/torch scalars expose .item()
        def __init__(self, v):
            self.v = v

        def item(self):
            return self.v

    assert count("tokens", 2.1e9) == 2_100_000_000
    assert count("step", Scalar(12)) == 12
    assert real("value", Scalar(0.5)) == 0.5


def test_eval_event_fields_and_checks():
    e = eval_event("p", "r", "arith", "accuracy", 0.5, 100, stderr=0.02, sample_count=1000, shots=2, tokens=4e6)
    assert e["task"] == "arith" and e["stderr"] == 0.02 and e["sample_count"] == 1000 and e["tokens_seen"] == 4_000_000
    with pytest.raises(InvalidEventError, match="task must be a non-empty string"):
        eval_event("p", "r", "", "accuracy", 0.5, 1)
    with pytest.raises(InvalidEventError, match="stderr must be a real number"):
        eval_event("p", "r", "arith", "accuracy", 0.5, 1, stderr="0.1")


def test_config_is_flattened_to_dotted_keys_with_text_values():
    flat = flatten("config", {"optim": {"lr": 3e-4, "betas": [0.9, 0.95]}, "batch": 512, "amp": True, "name": "x"})
    assert flat == {"optim.lr": "0.0003", "optim.betas": "[0.9, 0.95]", "batch": "512", "amp": "true", "name": "x"}
    with pytest.raises(InvalidEventError, match="config must be a dict"):
        flatten("config", [1, 2])


def test_gateway_json_sends_nan_and_infinities_as_strings_and_unions_untagged():
    e = {**eval_event("p", "r", "t", "m", math.nan, 1), "stderr": math.inf, "flops": -math.inf}  # as decoded
    assert (to_gateway_json("eval", e)["value"], to_gateway_json("eval", e)["stderr"],
            to_gateway_json("eval", e)["flops"]) == ("NaN", "Infinity", "-Infinity")
    plain = eval_event("p", "r", "t", "m", 0.5, 1, stderr=0.01)
    assert to_gateway_json("eval", plain)["stderr"] == 0.01 and to_gateway_json("eval", plain)["sample_count"] is None


# -- the contract's limits (issue 7): refused at the call, worded as the normalizer's dead letters --
def test_hyperparameters_over_256_kib_are_refused_naming_the_field_the_size_and_the_limit():
    from scalewatch._events import check_run

    config = flatten("config", {f"k{i:03d}": "x" * 4000 for i in range(1000)})  # the 4 MB Run
    with pytest.raises(InvalidEventError) as raised:
        check_run("p", "r", {"hyperparameters": config})
    assert str(raised.value) == (
        "invalid Run: hyperparameters must take at most 262144 bytes (UTF-8 keys and values together) so that "
        "the event fits every topic downstream; was 4004000 bytes in 1000 entries (send fewer or shorter "
        "entries): 4004000")


def test_a_map_of_exactly_256_kib_passes_and_one_byte_more_in_utf8_does_not():
    from scalewatch._events import MAX_MAP_BYTES, check_run

    # 64 entries of a 4-char key and a value of 4092 chars: 64 * 4096 bytes = 256 KiB exactly
    tags = {f"k{i:03d}": "v" * 4092 for i in range(64)}
    assert sum(len(k) + len(v) for k, v in tags.items()) == MAX_MAP_BYTES
    check_run("p", "r", {"tags": tags})
    tags["k000"] = "v" * 4091 + "é"  # same characters, one more byte in UTF-8
    with pytest.raises(InvalidEventError, match=r"tags must take at most 262144 bytes .* was 262145 bytes in 64"):
        check_run("p", "r", {"tags": tags})


@pytest.mark.parametrize("fields,message", [
    ({"hyperparameters": {f"k{i}": "1" for i in range(1001)}}, "invalid Run: hyperparameters must have at most "
                                                                "1000 entries: 1001"),
    ({"tags": {"owner\n": "ana"}}, "invalid Run: tags key must not contain control characters (NUL, newline, "
                                   "tab, ...): U+000A at index 5: 'owner\\u000a'"),
    ({"tags": {"k": "v" * 5000}}, "invalid Run: tags['k'] must be at most 4096 characters, was 5000 (rejected, not "
                                  "truncated): '" + "v" * 64 + "... (5000 chars)'"),
    ({"name": "a\x00b"}, "invalid Run: name must not contain control characters (NUL, newline, tab, ...): U+0000 at "
                         "index 1: 'a\\u0000b'"),
    ({"model_family": "m" * 257}, "invalid Run: model_family must be at most 256 characters, was 257 (rejected, "
                                  "not truncated): '" + "m" * 64 + "... (257 chars)'"),
])
def test_run_fields_breaking_a_contract_rule_are_refused_with_the_normalizers_wording(fields, message):
    from scalewatch._events import check_run

    with pytest.raises(InvalidEventError) as raised:
        check_run("p", "r", fields)
    assert str(raised.value) == message


def test_project_and_run_id_with_control_characters_or_blank_are_refused_all_rules_in_one_message():
    from scalewatch._events import check_run

    with pytest.raises(InvalidEventError) as raised:
        check_run(" ", "r\t1", {})
    assert str(raised.value) == (
        "invalid Run: project must not be blank: ' '; run_id must not contain control characters (NUL, newline, "
        "tab, ...): U+0009 at index 1: 'r\\u00091'")


@pytest.mark.parametrize("call,message", [
    (lambda: metric_events("p", "r", {"loss": 1.0, "loss\x00x": 2.0}, 1, None, None, None),
     "invalid MetricPoint: metric must not contain control characters (NUL, newline, tab, ...): U+0000 at index 4: "
     "'loss\\u0000x'"),
    (lambda: metric_events("p", "r", {"m" * 300: 1.0}, 1, None, None, None),
     "invalid MetricPoint: metric must be at most 256 characters, was 300 (rejected, not truncated): '"
     + "m" * 64 + "... (300 chars)'"),
    (lambda: metric_events("p", "r", {"loss": 1.0}, 1, None, math.nan, "held\nout"),
     "invalid MetricPoint: flops must be finite: NaN; split must not contain control characters (NUL, newline, "
     "tab, ...): U+000A at index 4: 'held\\u000aout'"),
    (lambda: eval_event("p", "r", "arith\r", "acc", 0.5, 1, stderr=-0.1),
     "invalid EvalResult: task must not contain control characters (NUL, newline, tab, ...): U+000D at index 5: "
     "'arith\\u000d'; stderr must be >= 0: -0.1"),
])
def test_points_and_evals_breaking_a_contract_rule_are_refused_with_the_normalizers_wording(call, message):
    with pytest.raises(InvalidEventError) as raised:
        call()
    assert str(raised.value) == message


def test_a_name_that_passed_once_is_not_rechecked_but_a_bad_one_is_refused_every_time():
    metric_events("p", "r", {"train/loss": 1.0}, 1, None, None, None)
    metric_events("p", "r", {"train/loss": 1.0}, 2, None, None, None)
    for step in (1, 2):
        with pytest.raises(InvalidEventError, match="U\\+001B at index 0"):
            metric_events("p", "r", {"\x1b[31mloss": 1.0}, step, None, None, None)
