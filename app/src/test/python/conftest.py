"""Starts one embedded ScaleWatch stack (the real `scalewatch up`) for the whole test session."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]
JAR = Path(os.environ.get("SCALEWATCH_JAR", REPO / "app" / "target" / "scalewatch.jar"))
AVRO_DIR = REPO / "schemas" / "src" / "main" / "avro"


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
    def __init__(self, data_dir: Path):
        self.ports = free_ports(("kafka", "controller", "registry", "http", "flink"))
        self.data_dir = data_dir
        self.bootstrap = f"127.0.0.1:{self.ports['kafka']}"
        self.registry = f"http://127.0.0.1:{self.ports['registry']}"
        self.health = f"http://127.0.0.1:{self.ports['http']}/health"
        self.log = open(data_dir.parent / "stack.log", "w")
        self.process = subprocess.Popen(
            ["java", "-Xmx1g", "-jar", str(JAR), "up", "--data-dir", str(data_dir),
             "--kafka-port", str(self.ports["kafka"]), "--controller-port", str(self.ports["controller"]),
             "--registry-port", str(self.ports["registry"]), "--http-port", str(self.ports["http"]),
             "--flink-port", str(self.ports["flink"]), "--partitions", "2"],
            stdout=self.log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout: float = 120.0) -> dict:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"scalewatch up exited with {self.process.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.health, timeout=2) as response:
                    return json.load(response)
            except Exception as e:  # not up yet
                last = e
            time.sleep(0.5)
        raise TimeoutError(f"/health not UP within {timeout} s: {last}")

    def cli(self, *args: str, stdin: str | None = None, timeout: float = 120.0) -> subprocess.CompletedProcess:
        """Runs a scalewatch client subcommand (a Java client) against this stack."""
        return subprocess.run(
            ["java", "-jar", str(JAR), *args, "--bootstrap-servers", self.bootstrap, "--registry-url", self.registry],
            input=stdin, capture_output=True, text=True, timeout=timeout)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def stack():
    if not JAR.exists():
        raise FileNotFoundError(f"{JAR} is missing: build it first with 'mvn -pl app -am package -DskipTests'")
    work = Path(tempfile.mkdtemp(prefix="scalewatch-interop-"))
    s = Stack(work / "data")
    try:
        s.wait_healthy()
        yield s
    finally:
        s.stop()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def avro_schema():
    """The text of a contract schema, as a Python producer would ship it."""
    def load(name: str) -> str:
        return (AVRO_DIR / f"{name}.avsc").read_text()
    return load
