"""The demo site: how it is served, and what a crawl of it stores."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crawlers import DocumentStore, crawl
from crawlers.demo import DEMO_PDF, demo_pdf_bytes, serve_demo

REPO_ROOT = Path(__file__).resolve().parent.parent
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0, "AUTOTHROTTLE_MAX_DELAY": 0.5}

DEMO_PATHS = [
    "/",
    "/attachments/2024-5-projects.pdf",
    "/enterprises.html",
    "/news/2024-06-hailan-qingdao.html",
    "/notices/2021-17-ranch.html",
    "/notices/2024-12-amendment.html",
    "/notices/2024-5-plan.html",
    "/notices/index.html",
    "/notices/index_1.html",
]


@pytest.fixture(scope="module")
def demo_crawl(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo-data")
    store = DocumentStore(data_dir / "documents")
    with serve_demo() as base_url:
        report = crawl([f"{base_url}/"], store, settings=FAST)
    return base_url, store, report


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers, response.read()


def test_committed_pdf_is_up_to_date():
    assert DEMO_PDF.read_bytes() == demo_pdf_bytes()


def test_demo_serves_gbk_page_without_charset():
    with serve_demo() as base_url:
        status, headers, body = fetch(f"{base_url}/enterprises.html")
    assert status == 200
    assert headers["Content-Type"] == "text/html"
    assert "威海鑫镕海洋装备有限公司".encode("gbk") in body


def test_demo_serves_utf8_with_charset_and_robots():
    with serve_demo() as base_url:
        _, headers, _ = fetch(f"{base_url}/notices/2024-5-plan.html")
        _, _, robots = fetch(f"{base_url}/robots.txt")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert robots == b"User-agent: *\nDisallow: /admin/\n"


def test_demo_answers_conditional_request_with_304():
    with serve_demo() as base_url:
        _, headers, _ = fetch(f"{base_url}/")
        request = urllib.request.Request(f"{base_url}/", headers={"If-None-Match": headers["ETag"]})
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(request, timeout=5)
    raised.value.close()
    assert raised.value.code == 304


def test_demo_hides_source_folder():
    with serve_demo() as base_url:
        with pytest.raises(urllib.error.HTTPError) as raised:
            fetch(f"{base_url}/_src/2024-5-projects.txt")
    raised.value.close()
    assert raised.value.code == 404


def test_demo_crawl_counts(demo_crawl):
    base_url, store, report = demo_crawl
    assert report.new == len(DEMO_PATHS)
    assert report.failed == 0
    assert report.skipped == [f"{base_url}/admin/index.html"]
    assert [item["url"] for item in store.documents()] == [f"{base_url}{path}" for path in DEMO_PATHS]


def test_demo_documents_metadata(demo_crawl):
    base_url, store, _ = demo_crawl
    plan = store.latest_version(f"{base_url}/notices/2024-5-plan.html")
    assert plan.document_number == "威海政办字〔2024〕5号"
    assert plan.published == "2024-03-15"
    assert plan.issuer == "威海市人民政府办公室"
    amendment = store.latest_version(f"{base_url}/notices/2024-12-amendment.html")
    assert amendment.document_number == "威海政办字〔2024〕12号"
    old = store.latest_version(f"{base_url}/notices/2021-17-ranch.html")
    assert old.document_number == "威政办字〔2021〕17号"


def test_demo_texts_contain_entities(demo_crawl):
    base_url, store, _ = demo_crawl

    def text(path: str) -> str:
        return store.read_text(store.latest_version(f"{base_url}{path}"))

    assert "将第二条第三项“支持威海蓝鲸海洋仪器有限公司建设“透明海洋”“智慧海洋”观测装备生产线”修改为" in text(
        "/notices/2024-12-amendment.html"
    )
    assert "威海海澜生物科技有限公司（以下简称“海澜生物”）" in text("/news/2024-06-hailan-qingdao.html")
    assert "威海鑫镕海洋装备有限公司\t91371003MA3F2NB8YT" in text("/enterprises.html")
    assert "5. 海藻酸盐纤维生产线项目，承担单位：威海海源新材料科技有限公司，合作单位：哈尔滨工业大学（威海）。" in text(
        "/attachments/2024-5-projects.pdf"
    )
    plan = text("/notices/2024-5-plan.html")
    assert "主办单位" not in plan
    assert "分享到" not in plan
    assert "当前位置" not in plan


def test_scrapy_list_from_repo_root():
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["site"]


def test_scrapy_crawl_from_repo_root(tmp_path):
    with serve_demo() as base_url:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "site",
                "-a",
                f"urls={base_url}/",
                "-s",
                f"BLUECARBON_DATA_DIR={tmp_path}",
                "-s",
                "DOWNLOAD_DELAY=0",
                "-s",
                "AUTOTHROTTLE_START_DELAY=0",
                "-s",
                "LOG_LEVEL=WARNING",
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    store = DocumentStore(tmp_path / "documents")
    assert len(store.documents()) == len(DEMO_PATHS)


def test_bare_base_url_and_own_store_root(tmp_path):
    # A start URL without a path, and a store whose root is not named
    # "documents": the child must write into exactly this store.
    store = DocumentStore(tmp_path / "my-store")
    with serve_demo() as base_url:
        report = crawl([base_url], store, settings=FAST)
    assert report.new == len(DEMO_PATHS)
    assert report.sources == [base_url]
    assert store.documents()[0]["url"] == f"{base_url}/"
    assert len(store.documents()) == len(DEMO_PATHS)
    assert not (tmp_path / "documents").exists()
