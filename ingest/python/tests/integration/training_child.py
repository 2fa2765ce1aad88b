"""A training process for test_quiet_outage_it.py: one Kafka run logging paced steps until told to stop.

    python3 training_child.py --logging default|info --bootstrap H:P --registry URL --spool-dir DIR
        --project P --run-id R --control DIR

Python's logging is left as a training script would leave it: untouched ("default": the last-resort
handler prints warnings to stderr) or ``logging.basicConfig(level=logging.INFO)``. Talks to the test
through files in --control: writes ``delivering`` once the broker acknowledged a point, stops logging
when ``stop`` appears, and writes ``result.json`` (steps logged, the run's stats) after ``finish``.
"""
import argparse
import json
import logging
import time
from pathlib import Path

PACE = 0.02  # seconds between steps of 10 metrics: about 500 points/s


def main() -> None:
    p = argparse.ArgumentParser()
    for option in ("--logging", "--bootstrap", "--registry", "--spool-dir", "--project", "--run-id", "--control"):
        p.add_argument(option, required=True)
    args = p.parse_args()
    if args.logging == "info":
        logging.basicConfig(level=logging.INFO)
    import scalewatch  # after basicConfig, as a training script would
    from workload import log_steps

    control = Path(args.control)
    run = scalewatch.init(args.project, run_id=args.run_id, transport="kafka", bootstrap_servers=args.bootstrap,
                          registry_url=args.registry, spool_dir=args.spool_dir, flush_timeout=60)
    step, delivering = 0, False
    while not (control / "stop").exists():
        log_steps(run, 0, range(step, step + 1))
        step += 1
        if not delivering and run.stats()["delivered"] > 0:
            (control / "delivering").touch()
            delivering = True
        time.sleep(PACE)
    run.finish()
    (control / "result.json").write_text(json.dumps({"steps": step, "stats": run.stats()}))


if __name__ == "__main__":
    main()
