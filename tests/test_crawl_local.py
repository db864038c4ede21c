"""Crawling local files and folders, and rejecting bad sources."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from bluecarbon.errors import CrawlError
from crawlers import DocumentStore, crawl
from crawlers.pdfmake import make_pdf

FIRM = "威海鑫镕海洋装备有限公司"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "inbox"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    page = f"<html><head><title>名录</title></head><body><div class='content'><p>{FIRM}</p></div></body></html>"
    (root / "directory.html").write_bytes(page.encode("gbk"))
    (root / "notice.txt").write_text("威海政办字〔2024〕5号\n市海洋发展局通知。\n", encoding="utf-8")
    (root / "sub" / "projects.pdf").write_bytes(make_pdf(["重点项目清单", "海洋牧场项目。"], title="清单"))
    document = docx.Document()
    document.add_paragraph("海藻酸盐纤维生产线。")
    buffer = io.BytesIO()
    document.save(buffer)
    (root / "sub" / "list.docx").write_bytes(buffer.getvalue())
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    (root / ".hidden" / "secret.txt").write_text("不应读取", encoding="utf-8")
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    return root


def test_folder_crawl(folder, tmp_path):
    store = DocumentStore(tmp_path / "data" / "documents")
    report = crawl([str(folder)], store)
    assert report.new == 4
    assert report.failed == 1
    assert report.outcomes == {
        (folder / "broken.pdf").as_uri(): "failed",
        (folder / "directory.html").as_uri(): "new",
        (folder / "notice.txt").as_uri(): "new",
        (folder / "sub" / "list.docx").as_uri(): "new",
        (folder / "sub" / "projects.pdf").as_uri(): "new",
    }
    assert report.failures[0].reason.startswith(f"{(folder / 'broken.pdf').as_uri()} is not a readable PDF")


def test_folder_texts(folder, tmp_path):
    store = DocumentStore(tmp_path / "data" / "documents")
    crawl([str(folder)], store)
    directory = store.latest_version((folder / "directory.html").as_uri())
    assert store.read_text(directory) == FIRM
    assert directory.title == "名录"
    notice = store.latest_version((folder / "notice.txt").as_uri())
    assert notice.document_number == "威海政办字〔2024〕5号"
    pdf = store.latest_version((folder / "sub" / "projects.pdf").as_uri())
    assert store.read_text(pdf) == "重点项目清单\n海洋牧场项目。"


def test_folder_recrawl_unchanged_then_changed(folder, tmp_path):
    store = DocumentStore(tmp_path / "data" / "documents")
    crawl([str(folder)], store)
    again = crawl([str(folder)], store)
    assert again.unchanged == 4
    assert again.new == 0
    (folder / "notice.txt").write_text("威海政办字〔2024〕12号\n修改通知。\n", encoding="utf-8")
    third = crawl([str(folder)], store)
    assert third.changed == 1
    assert third.unchanged == 3
    assert len(store.versions((folder / "notice.txt").as_uri())) == 2


def test_single_file_and_file_url(folder, tmp_path):
    store = DocumentStore(tmp_path / "data" / "documents")
    notice = folder / "notice.txt"
    report = crawl([str(notice), (folder / "directory.html").as_uri()], store)
    assert report.new == 2
    assert [item["url"] for item in store.documents()] == [
        (folder / "directory.html").as_uri(),
        notice.as_uri(),
    ]


def test_explicit_unsupported_file_fails(folder, tmp_path):
    store = DocumentStore(tmp_path / "data" / "documents")
    report = crawl([str(folder / "logo.png")], store)
    assert report.failed == 1
    assert "image/png" in report.failures[0].reason


def test_missing_path_raises(tmp_path):
    store = DocumentStore(tmp_path / "data" / "documents")
    with pytest.raises(CrawlError, match="no such file or folder exists"):
        crawl([str(tmp_path / "missing")], store)


def test_unsupported_scheme_raises(tmp_path):
    store = DocumentStore(tmp_path / "data" / "documents")
    with pytest.raises(CrawlError, match="unsupported scheme 'ftp'"):
        crawl(["ftp://127.0.0.1/a.txt"], store)


def test_report_saved_for_local_crawl(folder, tmp_path):
    store = DocumentStore(tmp_path / "data" / "documents")
    crawl([str(folder)], store)
    assert (tmp_path / "data" / "crawl" / "last-report.json").exists()


def test_progress_lines(folder, tmp_path, capsys):
    store = DocumentStore(tmp_path / "data" / "documents")
    crawl([str(folder / "notice.txt"), str(folder / "broken.pdf")], store, progress=True)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"[    1] new               {(folder / 'notice.txt').as_uri()}"
    assert lines[1].startswith(f"[    2] failed            {(folder / 'broken.pdf').as_uri()}  (")
