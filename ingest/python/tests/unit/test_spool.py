"""Spool files: append-only, acknowledgements marked, torn lines tolerated, one owner at a time."""
import json
import math

import pytest

from scalewatch._spool import Entry, Spool, SpoolBusy, open_for_run


def entries(first, last, kind="metric"):
    return [Entry(seq, kind, {"run_id": "r", "step": seq, "value": math.nan if seq == 3 else float(seq)})
            for seq in range(first, last + 1)]


def test_unacknowledged_entries_survive_a_reopen_in_order_and_acks_are_appended(tmp_path):
    spool = Spool.for_run(tmp_path, "my project", "run/1")
    batch = entries(1, 10)
    spool.append(batch)
    spool.acknowledge([1, 2, 5, 6, 7])
    size = spool.path.stat().st_size
    spool.append(batch[7:])  # already in the file: not written twice
    assert spool.path.stat().st_size == size
    spool.close()
    assert spool.path == tmp_path / "my%20project" / "run%2F1.spool"
    lines = [json.loads(line) for line in spool.path.read_text().splitlines()]
    assert lines[-1] == {"acked": [[1, 2], [5, 7]]}

    again = Spool(spool.path)
    pending = again.open()
    assert [e.seq for e in pending] == [3, 4, 8, 9, 10]
    assert math.isnan(pending[0].event["value"]) and pending[0].kind == "metric" and pending[0].spooled
    assert again.max_seq == 10
    again.close()


def test_the_file_is_deleted_once_everything_is_acknowledged(tmp_path):
    spool = Spool.for_run(tmp_path, "p", "r")
    spool.append(entries(1, 3))
    spool.acknowledge([1, 2, 3])
    assert spool.path.stat().st_size == 0
    spool.close()
    assert not spool.path.exists()


def test_a_torn_last_line_is_skipped(tmp_path, caplog):
    spool = Spool.for_run(tmp_path, "p", "r")
    spool.append(entries(1, 2))
    spool.close()
    with open(spool.path, "a") as f:
        f.write('{"seq": 3, "kind": "met')  # the process died while writing
    again = Spool(spool.path)
    assert [e.seq for e in again.open()] == [1, 2]
    assert "unreadable line 3" in caplog.text
    again.close()


def test_a_spool_held_by_another_owner_is_busy_and_a_new_run_uses_a_side_file(tmp_path):
    holder = Spool.for_run(tmp_path, "p", "r")
    holder.append(entries(1, 2))
    with pytest.raises(SpoolBusy):
        Spool(holder.path).open()
    spool, leftovers = open_for_run(tmp_path, "p", "r")
    assert leftovers == [] and spool.path != holder.path and spool.path.name.startswith("r.")
    spool.append(entries(1, 1))
    assert sorted(p.name for p in Spool.files(tmp_path)) == sorted([holder.path.name, spool.path.name])
    holder.close()
    spool.close()


def test_open_for_run_returns_the_leftovers_of_an_earlier_process(tmp_path):
    earlier = Spool.for_run(tmp_path, "p", "r")
    earlier.append(entries(1, 4))
    earlier.acknowledge([1])
    earlier.close()
    spool, leftovers = open_for_run(tmp_path, "p", "r")
    assert [e.seq for e in leftovers] == [2, 3, 4] and spool.max_seq == 4
    spool.close()
