"""Word 97-2003 and Excel 97-2003 attachments: text, tables, titles and
damaged files. The fixtures were saved by LibreOffice 7.4 from invented
pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from bluecarbon.errors import DocumentError
from crawlers.text import UNSUPPORTED_EXTENSIONS, extract_text

FIXTURES = Path(__file__).parent / "fixtures" / "legacy"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_doc_text_tables_and_fields():
    text, meta = extract_text(
        read("notice.doc"), url="https://www.example.cn/notice.doc", content_type="application/msword"
    )

    # The hyperlink field shows its text; its code (the URL) is dropped.
    assert text == (
        "各区市海洋发展局：\n"
        "经专家评审，威海蓝湾海洋科技有限公司“海带养殖碳汇监测”项目入选2026年度示范项目。详情见项目名单。\n"
        "序号\t企业名称\t所在区市\n"
        "1\t荣成海丰水产有限公司\t荣成市\n"
        "2\t威海碧波新材料股份有限公司\t环翠区\n"
        "威海市海洋发展局\n"
        "2026年3月1日"
    )
    assert meta["kind"] == "doc"
    assert meta["title"] == "关于公布2026年度海洋生态产业示范项目的通知"
    assert meta["published"] == "2026-03-01"


def test_doc_with_one_byte_characters():
    text, meta = extract_text(read("english.doc"), url="https://www.example.cn/e.doc", content_type=None)

    assert text == "Weihai Blue Bay Marine Technology Co., Ltd. builds kelp farming carbon sink monitors."
    assert meta["kind"] == "doc"


def test_xls_rows_as_tab_separated_lines():
    text, meta = extract_text(
        read("list.xls"), url="https://www.example.cn/files/list.xls", content_type="application/vnd.ms-excel"
    )

    assert text == (
        "序号\t企业名称\t所在区市\t主营产品\n"
        "1\t荣成海丰水产有限公司\t荣成市\t海参育苗\n"
        "2\t威海碧波新材料股份有限公司\t环翠区\t海藻基新材料"
    )
    assert meta["kind"] == "xls"
    assert meta["title"] == "list.xls"


def test_truncated_doc_rejected_with_its_url():
    body = read("notice.doc")[:3000]

    with pytest.raises(DocumentError) as raised:
        extract_text(body, url="https://www.example.cn/cut.doc", content_type=None)

    assert str(raised.value).startswith("https://www.example.cn/cut.doc is a damaged")
    assert "re-save it" in str(raised.value)


def test_password_protected_doc_rejected():
    body = bytearray(read("notice.doc"))
    # The WordDocument stream starts a sector with the Word magic number;
    # set the encrypted flag in its FibBase.
    start = next(
        offset for offset in range(512, len(body), 512) if body[offset : offset + 2] == b"\xec\xa5"
    )
    body[start + 0x0B] |= 0x01

    with pytest.raises(DocumentError) as raised:
        extract_text(bytes(body), url="https://www.example.cn/locked.doc", content_type=None)

    assert str(raised.value) == (
        "https://www.example.cn/locked.doc is a password-protected Word document; "
        "ask the publisher for an open copy or save it without a password"
    )


def test_crawls_follow_doc_and_xls_links():
    assert {"doc", "xls", "wps", "et"}.isdisjoint(UNSUPPORTED_EXTENSIONS)
    assert {"ppt", "zip", "jpg"} <= UNSUPPORTED_EXTENSIONS


def test_folder_crawl_stores_doc_and_xls(tmp_path):
    import shutil

    import nlp
    from crawlers import DocumentStore, crawl

    folder = tmp_path / "attachments"
    folder.mkdir()
    for name in ("notice.doc", "list.xls"):
        shutil.copy(FIXTURES / name, folder / name)
    store = DocumentStore(tmp_path / "documents")

    report = crawl([str(folder)], store)

    assert report.outcomes == {
        (folder / "list.xls").as_uri(): "new",
        (folder / "notice.doc").as_uri(): "new",
    }
    notice = store.latest_version((folder / "notice.doc").as_uri())
    firms = [e.name for e in nlp.extract(store.read_text(notice)).entities if e.type == "Firm"]
    assert firms == ["威海蓝湾海洋科技有限公司", "荣成海丰水产有限公司", "威海碧波新材料股份有限公司"]


def test_xls_dates_and_booleans_read_as_shown():
    text, _ = extract_text(read("types.xls"), url="https://www.example.cn/types.xls", content_type=None)

    # The percentage cell keeps its stored value; its format is not applied.
    assert text == "企业名称\t成立日期\t是否高新\t占比\n威海蓝湾海洋科技有限公司\t2021-03-15\tTRUE\t0.12"


def test_sparse_xls_is_not_padded_to_full_sheets():
    import tracemalloc

    tracemalloc.start()
    try:
        text, _ = extract_text(read("sparse20.xls"), url="https://www.example.cn/s.xls", content_type=None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # 20 sheets, each with a cell in A1 and one at IV65536.
    assert text == "\n".join(["威海蓝湾海洋科技有限公司", "末"] * 20)
    assert peak < 100 * 2**20


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("bad_assert.xls", "AssertionError"),
        ("bad_bof.xls", "XLRDError"),
        ("bad_index.xls", "IndexError"),
        ("bad_struct.xls", "error"),
    ],
)
def test_damaged_xls_rejected_with_its_url(name, error):
    url = f"https://www.example.cn/{name}"

    with pytest.raises(DocumentError) as raised:
        extract_text((FIXTURES / "damaged" / name).read_bytes(), url=url, content_type=None)

    assert str(raised.value).startswith(f"{url} is not a readable Excel 97-2003 workbook ({error}")
    assert str(raised.value).endswith("open and re-save it as XLSX")


def test_folder_crawl_goes_on_after_a_damaged_xls(tmp_path):
    import shutil

    from crawlers import DocumentStore, crawl

    folder = tmp_path / "attachments"
    folder.mkdir()
    shutil.copy(FIXTURES / "damaged" / "bad_index.xls", folder / "a.xls")
    shutil.copy(FIXTURES / "notice.doc", folder / "b.doc")

    report = crawl([str(folder)], DocumentStore(tmp_path / "documents"))

    assert report.outcomes == {(folder / "a.xls").as_uri(): "failed", (folder / "b.doc").as_uri(): "new"}


def test_text_saved_under_office_names():
    tsv = "企业名称\t所在区市\n荣成海丰水产有限公司\t荣成市\n".encode("gbk")
    text, meta = extract_text(tsv, url="https://www.example.cn/export.xls", content_type="application/vnd.ms-excel")
    # Plain text keeps its lines; runs of white space become one space.
    assert text == "企业名称 所在区市\n荣成海丰水产有限公司 荣成市"
    assert meta["kind"] == "text"

    with pytest.raises(DocumentError) as raised:
        extract_text(b"{\\rtf1\\ansi \\'cd\\'fe}", url="https://www.example.cn/r.doc", content_type="application/msword")
    assert str(raised.value) == (
        "https://www.example.cn/r.doc is an RTF document (often saved with a .doc name), "
        "which has no text extraction here; save it as DOCX or PDF"
    )
