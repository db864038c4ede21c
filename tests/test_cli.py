"""The command line reports bad input per file and goes on."""

import json
import subprocess
import sys


def bluecarbon(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "bluecarbon.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def test_extract_goes_on_after_bad_files(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.pdf").write_bytes(b"%PDF-1.4\x00\x01\x02")
    (tmp_path / "good.html").write_text(
        "<html><body><p>威海海澜生物科技有限公司研发水下滑翔机。</p></body></html>",
        encoding="utf-8",
    )
    result = bluecarbon(
        "extract", "empty.txt", "binary.pdf", "missing.txt", "good.html", cwd=tmp_path
    )
    assert result.returncode == 1
    assert "warning: empty.txt is empty; nothing to extract" in result.stderr
    assert "\nerror: binary.pdf " in result.stderr
    assert "\nerror: missing.txt: file not found" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    firms = [record for record in records if record["type"] == "Firm"]
    assert [firm["name"] for firm in firms] == ["威海海澜生物科技有限公司"]
    assert firms[0]["document"] == "good.html"
    evidence = firms[0]["evidence"][0]
    html = (tmp_path / "good.html").read_text(encoding="utf-8")
    assert html[evidence["start"]:evidence["end"]] == "威海海澜生物科技有限公司"
    assert not (tmp_path / "data").exists()


def test_invalid_uri_is_one_line_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bluecarbon.cli", "stats"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"NEO4J_URI": "bolt//nowhere", "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: NEO4J_URI 'bolt//nowhere' is not a valid URI")
    assert "Traceback" not in result.stderr


def test_top_must_be_positive(tmp_path):
    result = bluecarbon("candidates", "--top", "0", cwd=tmp_path)
    assert result.returncode == 2
    assert "'0' is not a positive integer" in result.stderr


def test_changes_without_snapshots(tmp_path):
    result = bluecarbon("--data-dir", str(tmp_path / "d"), "changes", cwd=tmp_path)
    assert result.returncode == 1
    assert "no ranking snapshots" in result.stderr


def test_unknown_industry_rejected(tmp_path):
    result = bluecarbon("candidates", "--industry", "不存在", cwd=tmp_path)
    assert result.returncode == 2
    assert "industry '不存在' is unknown" in result.stderr
    assert "15 绿色水产养殖业" in result.stderr


def test_nan_min_score_rejected(tmp_path):
    result = bluecarbon("candidates", "--min-score", "nan", cwd=tmp_path)
    assert result.returncode == 2
    assert "'nan' is not a finite number" in result.stderr


def test_crawl_of_closed_port_fails(tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = bluecarbon(
        "--data-dir", str(tmp_path / "d"), "crawl", f"http://127.0.0.1:{port}/", cwd=tmp_path
    )
    assert result.returncode == 1
    assert "error: all 1 fetches failed" in result.stderr


def test_garbled_file_warned(tmp_path):
    text = "威海海澜生物科技有限公司建设海带养殖基地，与山东大学（威海）合作。"
    (tmp_path / "moji.txt").write_text(
        text.encode("utf-8").decode("latin-1"), encoding="utf-8"
    )
    (tmp_path / "ok.txt").write_text(text, encoding="utf-8")
    result = bluecarbon("extract", "moji.txt", "ok.txt", cwd=tmp_path)
    assert result.returncode == 0
    assert "warning: moji.txt looks garbled (100% of its characters" in result.stderr
    assert "ok.txt" not in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {record["document"] for record in records} == {"ok.txt"}


def test_extract_reads_office_files(tmp_path):
    import shutil
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures" / "legacy"
    shutil.copy(fixtures / "notice.doc", tmp_path / "notice.doc")
    result = bluecarbon("extract", "notice.doc", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["name"] for r in records if r["type"] == "Firm"] == [
        "威海蓝湾海洋科技有限公司",
        "荣成海丰水产有限公司",
        "威海碧波新材料股份有限公司",
    ]
