"""Throughput of the SDK's Kafka transport from one process: points acknowledged by the broker per second.

One run logs --points metric points (10 metrics per log call, NaN included) as fast as the loop can;
the clock stops when every point is acknowledged (run.flush). A warm-up run comes first, unmeasured:
the stack's JIT compiler takes a core for its first minute. Prints one line of results (JSON) with
the median of --repeat runs. The stack's normalizer consumes every point on the same machine meanwhile.

Against a running stack:
    python3 ingest/python/benchmarks/bench_kafka.py --bootstrap-servers 127.0.0.1:9092 --registry-url http://127.0.0.1:8081
Or let it start the embedded stack on free ports (and stop it after):
    python3 ingest/python/benchmarks/bench_kafka.py --start-stack app/target/scalewatch.jar
"""
import argparse
import json
import math
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import scalewatch

METRICS = ("train/loss", "val/loss", "lr", "grad_norm", "tokens_per_s", "loss_scale", "weight_norm",
           "train/acc", "eval/ppl", "mfu")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_stack(jar, work):
    ports = {n: free_port() for n in ("kafka", "controller", "registry", "http", "flink")}
    log = open(os.path.join(work, "stack.log"), "w")
    process = subprocess.Popen(
        ["java", "-Xmx1g", "-jar", jar, "up", "--data-dir", os.path.join(work, "data"),
         "--kafka-port", str(ports["kafka"]), "--controller-port", str(ports["controller"]),
         "--registry-port", str(ports["registry"]), "--http-port", str(ports["http"]),
         "--flink-port", str(ports["flink"]), "--partitions", "2"], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{ports['http']}/health", timeout=2):
                return process, f"127.0.0.1:{ports['kafka']}", f"http://127.0.0.1:{ports['registry']}"
        except Exception:
            if process.poll() is not None:
                raise RuntimeError(f"stack exited; see {log.name}")
            time.sleep(0.3)
    raise TimeoutError("stack not healthy in 120 s")


def _cpu_seconds():
    """CPU time of this process: the training loop, the SDK's sender thread and librdkafka's threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench(bootstrap, registry, points, spool_dir, producer_config):
    steps = points // len(METRICS)
    rows = [{name: (math.nan if step % 1000 == 999 and i == 0 else 1.0 / (step + 1) + i)
             for i, name in enumerate(METRICS)} for step in range(steps)]  # inputs built outside the clock
    run = scalewatch.init("bench", run_id=f"bench-{int(time.time())}", transport="kafka",
                          bootstrap_servers=bootstrap, registry_url=registry, spool_dir=spool_dir,
                          producer_config=producer_config)
    run.log({"warmup": 0.0}, step=0)  # schema registration and connection, outside the clock
    assert run.flush(30)
    cpu_started = _cpu_seconds()
    started = time.perf_counter()
    for step, row in enumerate(rows):
        run.log(row, step=step, tokens=step * 4096)
    logged = time.perf_counter() - started
    assert run.flush(120), "not all points acknowledged within 120 s"
    total = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_started
    run.finish()
    stats = run.stats()
    assert stats["spooled"] == 0 and stats["rejected"] == 0, stats
    points = steps * len(METRICS)
    return {"points": points, "log_seconds": round(logged, 3), "acked_seconds": round(total, 3),
            "log_points_per_s": round(points / logged), "acked_points_per_s": round(points / total),
            "sdk_cpu_us_per_point": round(cpu / points * 1e6, 2),
            "cpus": os.cpu_count(), "python": platform.python_version()}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    p.add_argument("--registry-url", default="http://127.0.0.1:8081")
    p.add_argument("--start-stack", metavar="JAR", help="start `JAR up` on free ports for the benchmark")
    p.add_argument("--points", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3, help="measured runs; the median is reported")
    p.add_argument("--warmup-points", type=int, default=1_000_000,
                   help="points sent once before measuring, unreported (the JVM of the stack compiles its hot paths)")
    p.add_argument("--producer-config", type=json.loads, default={},
                   help='librdkafka settings over the SDK defaults, as JSON, e.g. \'{"linger.ms": 20}\'')
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="scalewatch-bench-")
    process = None
    try:
        bootstrap, registry = args.bootstrap_servers, args.registry_url
        if args.start_stack:
            process, bootstrap, registry = start_stack(args.start_stack, work)
        spool = os.path.join(work, "spool")
        if args.warmup_points:
            bench(bootstrap, registry, args.warmup_points, spool, args.producer_config)
        results = [bench(bootstrap, registry, args.points, spool, args.producer_config) for _ in range(args.repeat)]
        results.sort(key=lambda r: r["acked_points_per_s"])
        median = results[len(results) // 2]
        median["all_acked_points_per_s"] = [r["acked_points_per_s"] for r in results]
        median["all_sdk_cpu_us_per_point"] = sorted(r["sdk_cpu_us_per_point"] for r in results)
        print(json.dumps(median))
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            process.wait(60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
