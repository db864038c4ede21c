"""Local folder sources: removed files and invalid URLs."""

import pytest

from bluecarbon.errors import CrawlError
from crawlers import DocumentStore, crawl


def test_removed_file_marked_gone(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("威海海澜生物科技有限公司建设海带养殖基地。", encoding="utf-8")
    (folder / "b.txt").write_text("威海清波环保装备有限公司研发船舶压载水处理系统。", encoding="utf-8")
    store = DocumentStore(tmp_path / "data" / "documents")

    first = crawl([str(folder)], store)
    assert first.new == 2

    (folder / "b.txt").unlink()
    second = crawl([str(folder)], store)
    assert second.unchanged == 1
    assert second.gone == 1
    statuses = {doc["url"].rsplit("/", 1)[-1]: doc for doc in store.documents()}
    assert statuses["a.txt"]["status"] == "ok"
    assert statuses["b.txt"]["status"] == "gone"
    assert statuses["b.txt"]["versions"] == 1

    third = crawl([str(folder)], store)
    assert third.gone == 0


@pytest.mark.parametrize("source", ["http://", "http://[::1"])
def test_invalid_url_named(tmp_path, source):
    store = DocumentStore(tmp_path / "documents")
    with pytest.raises(CrawlError) as raised:
        crawl([source], store)
    assert repr(source) in str(raised.value)
