"""``scalewatch-sync``: sends what runs left in the spool (broker or gateway down at their exit).

Each spool file not held by a live run is locked, its unacknowledged events are sent through the
configured transport, acknowledged ones are marked, and the file is deleted once empty. Exit status
0 when nothing is left, 1 when events remain (transport still down), 2 on bad arguments.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from typing import List, Optional

from ._config import DEFAULT_BOOTSTRAP_SERVERS, DEFAULT_GATEWAY_URL, DEFAULT_REGISTRY_URL, DEFAULT_SPOOL_DIR, Settings
from ._errors import ConfigurationError
from ._spool import Spool, SpoolBusy
from ._transport import Transport

log = logging.getLogger("scalewatch")


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    p = argparse.ArgumentParser(
        prog="scalewatch-sync",
        description="Send the events ScaleWatch runs left in the local spool. Flags win over SCALEWATCH_* "
                    "environment variables, which win over the defaults shown.")
    p.add_argument("--spool-dir", default=env("SCALEWATCH_SPOOL_DIR") or str(DEFAULT_SPOOL_DIR),
                   help="spool directory (default: %(default)s)")
    p.add_argument("--transport", choices=("kafka", "http"), default=env("SCALEWATCH_TRANSPORT") or "kafka",
                   help="how to send (default: %(default)s)")
    p.add_argument("--bootstrap-servers", default=env("SCALEWATCH_BOOTSTRAP_SERVERS") or DEFAULT_BOOTSTRAP_SERVERS,
                   help="Kafka brokers (default: %(default)s)")
    p.add_argument("--registry-url", default=env("SCALEWATCH_REGISTRY_URL") or DEFAULT_REGISTRY_URL,
                   help="schema registry (default: %(default)s)")
    p.add_argument("--gateway-url", default=env("SCALEWATCH_GATEWAY_URL") or DEFAULT_GATEWAY_URL,
                   help="HTTP gateway, for --transport http (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="seconds to wait for acknowledgements per file (default: %(default)s)")
    p.add_argument("--list", action="store_true", help="only list spool files and their pending counts")
    p.add_argument("-v", "--verbose", action="store_true", help="log every step")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(message)s")
    try:
        settings = Settings.resolve(environ={}, transport=args.transport, bootstrap_servers=args.bootstrap_servers,
                                    registry_url=args.registry_url, gateway_url=args.gateway_url,
                                    token=os.environ.get("SCALEWATCH_TOKEN"), spool_dir=args.spool_dir)
    except ConfigurationError as e:
        print(f"scalewatch-sync: {e}", file=sys.stderr)
        return 2
    files = list(Spool.files(settings.spool_dir))
    if args.list:
        for path in files:
            spool = Spool(path)
            try:
                print(f"{len(spool.open())}\t{path}")
            except SpoolBusy:
                print(f"busy\t{path}")
            finally:
                spool.close()
        return 0
    transport: Optional[Transport] = None
    sent = left = 0
    for path in files:
        spool = Spool(path)
        try:
            entries = spool.open()
        except SpoolBusy:
            print(f"scalewatch-sync: {path} is held by a live run; skipped", file=sys.stderr)
            continue
        try:
            if entries:
                if transport is None:
                    transport = _transport(settings)
                delivered = sync_file(spool, transport, args.timeout)
                sent += delivered
                left += spool.pending_count()
        finally:
            spool.close()
    if transport is not None:
        transport.close()
    print(f"scalewatch-sync: {sent} events sent, {left} left in {settings.spool_dir}")
    return 0 if left == 0 else 1


def _transport(settings: Settings) -> Transport:
    if settings.transport == "http":
        from ._http import HttpTransport
        return HttpTransport(settings)
    from ._kafka import KafkaTransport
    return KafkaTransport(settings)


def sync_file(spool: Spool, transport: Transport, timeout: float) -> int:
    """Sends the pending entries of one open spool; returns how many were acknowledged."""
    entries = spool.pending()
    delivered = 0
    deadline = time.monotonic() + timeout
    position = 0
    chunk = 5000
    while position < len(entries) and time.monotonic() < deadline:
        left = transport.submit(entries[position:position + chunk])
        if left:
            break
        position += chunk
        delivered += _settle(spool, transport, 0.0)
        if transport.trouble():
            break
    while transport.in_flight_count() and time.monotonic() < deadline and not transport.trouble():
        delivered += _settle(spool, transport, 0.1)
    for entry in transport.abandon():
        log.info("scalewatch-sync: seq %d of %s not acknowledged; kept", entry.seq, spool.path)
    delivered += _settle(spool, transport, 0.0)
    if transport.trouble():
        print(f"scalewatch-sync: {transport.name} transport unavailable: {transport.trouble()}", file=sys.stderr)
    return delivered


def _settle(spool: Spool, transport: Transport, timeout: float) -> int:
    outcomes = transport.poll(timeout)
    spool.acknowledge([e.seq for e in outcomes.delivered] + [e.seq for e in outcomes.rejected])
    return len(outcomes.delivered)


if __name__ == "__main__":
    sys.exit(main())
