"""scalewatch-sync sends what runs left in the spool and deletes the files it emptied."""
import subprocess

from fake_gateway import TOKEN
from scalewatch._spool import Spool
from scalewatch._sync import main


def leave_spool(gateway, http_run, run_id, steps):
    gateway.unavailable = True
    run = http_run(run_id=run_id, flush_timeout=0.2)
    for step in range(steps):
        run.log({"loss": 1.0 / (step + 1)}, step=step)
    run.finish()
    gateway.unavailable = False


def test_sync_sends_every_spooled_event_once_and_deletes_the_files(gateway, http_run, tmp_path, monkeypatch, capsys):
    leave_spool(gateway, http_run, "a", 30)
    leave_spool(gateway, http_run, "b", 20)
    spool_dir = tmp_path / "spool"
    assert len(list(Spool.files(spool_dir))) == 2
    monkeypatch.setenv("SCALEWATCH_TOKEN", TOKEN)
    code = main(["--spool-dir", str(spool_dir), "--transport", "http", "--gateway-url", gateway.url])
    assert code == 0
    assert "54 events sent, 0 left" in capsys.readouterr().out
    assert sorted((p["run_id"], p["step"]) for p in gateway.received["metric"]) == \
        sorted([("a", s) for s in range(30)] + [("b", s) for s in range(20)])
    assert len(gateway.received["run"]) == 4
    assert list(Spool.files(spool_dir)) == []
    assert main(["--spool-dir", str(spool_dir), "--transport", "http", "--gateway-url", gateway.url]) == 0
    assert len(gateway.received["metric"]) == 50  # nothing sent twice


def test_sync_keeps_the_spool_and_exits_1_while_the_gateway_is_down(gateway, http_run, tmp_path, monkeypatch, capsys):
    leave_spool(gateway, http_run, "a", 10)
    gateway.unavailable = True
    monkeypatch.setenv("SCALEWATCH_TOKEN", TOKEN)
    spool_dir = tmp_path / "spool"
    assert main(["--spool-dir", str(spool_dir), "--transport", "http", "--gateway-url", gateway.url]) == 1
    assert "0 events sent, 12 left" in capsys.readouterr().out
    assert len(list(Spool.files(spool_dir))) == 1


def test_sync_skips_files_held_by_a_live_run(gateway, http_run, tmp_path, monkeypatch, capsys):
    leave_spool(gateway, http_run, "a", 10)
    spool_dir = tmp_path / "spool"
    (path,) = Spool.files(spool_dir)
    holder = Spool(path)
    holder.open()
    monkeypatch.setenv("SCALEWATCH_TOKEN", TOKEN)
    assert main(["--spool-dir", str(spool_dir), "--transport", "http", "--gateway-url", gateway.url]) == 0
    assert "held by a live run; skipped" in capsys.readouterr().err
    assert gateway.received["metric"] == []
    holder.close()


def test_console_script_is_installed_and_documents_its_options():
    result = subprocess.run(["scalewatch-sync", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for option in ("--spool-dir", "--transport", "--bootstrap-servers", "--registry-url", "--gateway-url", "--list"):
        assert option in result.stdout


def test_sync_needs_a_token_for_http(tmp_path, capsys):
    assert main(["--spool-dir", str(tmp_path), "--transport", "http", "--gateway-url", "http://127.0.0.1:1"]) == 2
    assert "needs the project's token" in capsys.readouterr().err
