"""Reading input files: encodings, HTML kept verbatim, binary rejected."""

from __future__ import annotations

import pytest

import nlp
from bluecarbon.errors import DocumentError
from bluecarbon.model import FIRM

TEXT = "烟台蓝鲸海洋装备有限公司发布新产品。"


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert nlp.read_input(path) == TEXT


def test_gb2312_declared_decodes_as_gb18030(tmp_path):
    # 镕 is in GBK but not in GB2312; pages that declare gb2312 still use it.
    html = f'<html><head><meta charset="gb2312"></head><body>朱镕基{TEXT}</body></html>'
    path = tmp_path / "page.html"
    path.write_bytes(html.encode("gb18030"))
    assert nlp.read_input(path) == html


def test_big5_detected(tmp_path):
    text = "榮成海鑫漁業有限公司總經理介紹，公司產品遠銷海外。" * 3
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    assert nlp.read_input(path) == text


def test_pdf_rejected_with_file_name(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    with pytest.raises(DocumentError) as error:
        nlp.read_input(path)
    assert "report.pdf" in str(error.value)
    assert "pdftotext" in str(error.value)


def test_binary_rejected(tmp_path):
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00\x01\x02\x03" * 100)
    with pytest.raises(DocumentError, match="blob.bin"):
        nlp.read_input(path)


def test_missing_file(tmp_path):
    with pytest.raises(DocumentError, match="not found"):
        nlp.read_input(tmp_path / "absent.txt")


def test_html_offsets_index_decoded_file(tmp_path):
    html = (
        "<html><head><style>p{color:red}</style><script>var s='某某公司';</script></head>"
        "<body><p>{{ title }}</p><p>烟台<b>蓝鲸</b>海洋装备有限公司发布新产品。</p></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    text = nlp.read_input(path)
    extraction = nlp.extract(text)
    firms = [entity for entity in extraction.entities if entity.type == FIRM]
    assert [entity.name for entity in firms] == ["烟台蓝鲸海洋装备有限公司"]
    evidence = firms[0].evidence[0]
    assert text[evidence.start : evidence.end] == "烟台<b>蓝鲸</b>海洋装备有限公司"
