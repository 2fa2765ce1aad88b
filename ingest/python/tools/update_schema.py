"""Regenerates src/scalewatch/raw_event.avsc from the contract (schemas/src/main/avro).

Run from anywhere after a contract change: python3 ingest/python/tools/update_schema.py
(tests/unit/test_schema.py fails until the shipped copy matches).
"""
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
AVRO_DIR = HERE.parents[2] / "schemas" / "src" / "main" / "avro"
TARGET = HERE.parent / "src" / "scalewatch" / "raw_event.avsc"


def inlined() -> dict:
    raw = json.loads((AVRO_DIR / "RawEvent.avsc").read_text())
    names = raw["fields"][0]["type"]
    raw["fields"][0]["type"] = [json.loads((AVRO_DIR / f"{n.rsplit('.', 1)[1]}.avsc").read_text()) for n in names]
    return raw


if __name__ == "__main__":
    TARGET.write_text(json.dumps(inlined(), indent=2) + "\n")
    print(f"wrote {TARGET}")
