"""Settings of a run: arguments of ``init``, overridden by ``SCALEWATCH_*`` environment variables."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional
from urllib.parse import urlparse

from ._errors import ConfigurationError

TRANSPORTS = ("kafka", "http")
DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092"
DEFAULT_REGISTRY_URL = "http://127.0.0.1:8081"
DEFAULT_GATEWAY_URL = "http://127.0.0.1:8080"  # `scalewatch up`'s default --http-port
DEFAULT_SPOOL_DIR = Path("~/.cache/scalewatch/spool")

# init argument -> environment variable that overrides it
ENVIRONMENT = {
    "transport": "SCALEWATCH_TRANSPORT",
    "bootstrap_servers": "SCALEWATCH_BOOTSTRAP_SERVERS",
    "registry_url": "SCALEWATCH_REGISTRY_URL",
    "gateway_url": "SCALEWATCH_GATEWAY_URL",
    "token": "SCALEWATCH_TOKEN",
    "spool_dir": "SCALEWATCH_SPOOL_DIR",
}


@dataclass(frozen=True)
class Settings:
    """Resolved, validated settings; immutable once a run starts."""

    transport: str
    bootstrap_servers: str
    registry_url: str
    gateway_url: Optional[str]
    token: Optional[str] = field(repr=False)
    spool_dir: Path
    producer_config: Mapping[str, Any] = field(default_factory=dict)
    flush_timeout: float = 30.0
    max_batch: int = 5000

    @staticmethod
    def resolve(environ: Optional[Mapping[str, str]] = None, **arguments: Any) -> "Settings":
        """Merges arguments with the environment (the environment wins) and validates the result."""
        env = os.environ if environ is None else environ
        values = dict(arguments)
        for name, variable in ENVIRONMENT.items():
            if env.get(variable):
                values[name] = env[variable]
        transport = (values.get("transport") or "kafka").lower()
        if transport not in TRANSPORTS:
            raise ConfigurationError(
                f"transport must be one of {', '.join(TRANSPORTS)}: {transport!r} "
                f"(set it with init(transport=...) or SCALEWATCH_TRANSPORT)")
        gateway_url = values.get("gateway_url")
        token = values.get("token")
        if transport == "http":
            gateway_url = gateway_url or DEFAULT_GATEWAY_URL
            parsed = urlparse(gateway_url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ConfigurationError(f"gateway_url must be an http(s) URL: {gateway_url!r}")
            if not token:
                raise ConfigurationError(
                    "transport 'http' needs the project's token (init(token=...) or SCALEWATCH_TOKEN)")
        flush_timeout = float(values.get("flush_timeout", 30.0))
        if not flush_timeout >= 0:
            raise ConfigurationError(f"flush_timeout must be >= 0 seconds: {flush_timeout}")
        max_batch = int(values.get("max_batch", 5000))
        if not 1 <= max_batch <= 10_000:
            raise ConfigurationError(f"max_batch must be in 1..10000 events: {max_batch}")
        producer_config = dict(values.get("producer_config") or {})
        spool_dir = Path(values.get("spool_dir") or DEFAULT_SPOOL_DIR).expanduser()
        return Settings(
            transport=transport,
            bootstrap_servers=values.get("bootstrap_servers") or DEFAULT_BOOTSTRAP_SERVERS,
            registry_url=values.get("registry_url") or DEFAULT_REGISTRY_URL,
            gateway_url=gateway_url.rstrip("/") if gateway_url else None,
            token=token,
            spool_dir=spool_dir,
            producer_config=producer_config,
            flush_timeout=flush_timeout,
            max_batch=max_batch,
        )
