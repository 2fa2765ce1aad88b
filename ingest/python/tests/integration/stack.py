"""The embedded ScaleWatch stack (the real `scalewatch up`), restartable in place.

Adapted from app/src/test/python/conftest.py: same command line, plus ``restart`` on the same ports
and data directory (the outage tests stop it in the middle of a run).
"""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
JAR = Path(os.environ.get("SCALEWATCH_JAR", REPO / "app" / "target" / "scalewatch.jar"))
# Gateway bearer tokens of the test projects, given to `up` through SCALEWATCH_GATEWAY_TOKENS
GATEWAY_TOKENS = {"sdk-http-volume": "it-token-volume-7f3a", "sdk-http-outage": "it-token-outage-91c2",
                  "sdk-http-diskfull": "it-token-diskfull-5b1e"}


def free_ports(names: tuple[str, ...]) -> dict[str, int]:
    """Distinct free ports: every probe socket stays open until all are taken."""
    sockets = []
    try:
        for _ in names:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return {name: s.getsockname()[1] for name, s in zip(names, sockets)}
    finally:
        for s in sockets:
            s.close()


class Stack:
    def __init__(self, work: Path, data_dir: Path = None, extra_args: tuple = ()):
        self.ports = free_ports(("kafka", "controller", "registry", "http", "flink"))
        self.work = work
        self.data_dir = data_dir or work / "data"
        self.extra_args = list(extra_args)
        self.bootstrap = f"127.0.0.1:{self.ports['kafka']}"
        self.registry = f"http://127.0.0.1:{self.ports['registry']}"
        self.http = f"http://127.0.0.1:{self.ports['http']}"
        self.process = None
        self.log = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        self.log = open(self.work / f"stack-{self.starts}.log", "w")
        self.process = subprocess.Popen(
            ["java", "-Xmx1g", "-jar", str(JAR), "up", "--data-dir", str(self.data_dir),
             "--kafka-port", str(self.ports["kafka"]), "--controller-port", str(self.ports["controller"]),
             "--registry-port", str(self.ports["registry"]), "--http-port", str(self.ports["http"]),
             "--flink-port", str(self.ports["flink"]), "--partitions", "2", *self.extra_args],
            stdout=self.log, stderr=subprocess.STDOUT,
            env={**os.environ, "SCALEWATCH_GATEWAY_TOKENS": ",".join(f"{p}={t}" for p, t in GATEWAY_TOKENS.items())})

    def wait_healthy(self, timeout: float = 120.0) -> dict:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"scalewatch up exited with {self.process.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.http + "/health", timeout=2) as response:
                    return json.load(response)
            except Exception as e:  # not up yet
                last = e
            time.sleep(0.3)
        raise TimeoutError(f"/health not UP within {timeout} s: {last}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self.log.close()

    def restart(self) -> None:
        self.start()
        self.wait_healthy()

    def tail_log(self, chars: int = 3000) -> str:
        path = self.work / f"stack-{self.starts}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""
