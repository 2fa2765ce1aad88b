"""One training run logged through the Python SDK, for the JVM tests that compare deployments.

    SCALEWATCH_BOOTSTRAP_SERVERS=... SCALEWATCH_REGISTRY_URL=... python3 live_run.py PROJECT RUN_ID

The loss follows 2 + 10 s^-0.3 with a fixed ripple of 1% and a 3x spike at steps 200-202 that
recovers, so the run monitor raises LOSS_SPIKE and resolves it; the run ends as finished. The
values are the same on every call, so two deployments fed by it must raise the same alerts.
"""
import math
import sys

import scalewatch


def main(project: str, run_id: str) -> None:
    steps = 400
    with scalewatch.init(project, run_id=run_id, params=125_000_000,
                         tokens_planned=steps * 4096) as run:
        for step in range(1, steps + 1):
            loss = (2 + 10 * step ** -0.3) * (1 + 0.01 * math.sin(1.7 * step))
            if 200 <= step < 203:
                loss *= 3
            run.log({"train/loss": loss}, step=step, tokens=step * 4096)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
