"""Decoding and text extraction: encodings, boilerplate, metadata, formats."""

from __future__ import annotations

import io

import docx
import pytest

from bluecarbon.errors import DocumentError
from crawlers import text as text_module
from crawlers.pdfmake import make_pdf
from crawlers.text import (
    decode_bytes,
    extract_links,
    extract_text,
    find_document_number,
    join_wrapped_lines,
    parse_date,
)

URL = "http://127.0.0.1/page.html"

# 镕 is in GBK and GB18030 but not in GB2312.
FIRM = "威海鑫镕海洋装备有限公司"
PARAGRAPH = (
    f"{FIRM}研发海洋监测浮标和水下滑翔机，与哈尔滨工业大学（威海）合作建设海洋仪器实验室，"
    "推动海洋监测探测装备产业发展。"
)


def page(body: str, head: str = "") -> str:
    return (
        f"<html><head>{head}<title>测试页面_威海市人民政府</title></head>"
        f"<body><div class='nav'>首页 通知公告 政务公开</div>"
        f"<div class='content'><p>{body}</p><p>第二段内容。</p></div>"
        f"<div class='footer'>版权所有 威海市人民政府</div></body></html>"
    )


# -- encodings -------------------------------------------------------------


def test_gbk_without_any_declaration():
    body = page(PARAGRAPH).encode("gbk")
    text, meta = extract_text(body, url=URL, content_type="text/html")
    assert FIRM in text
    assert meta["encoding"] == "gb18030"


def test_gb2312_declared_with_gbk_only_character():
    body = page(PARAGRAPH, '<meta charset="gb2312">').encode("gbk")
    text, meta = extract_text(body, url=URL, content_type="text/html; charset=gb2312")
    assert FIRM in text
    assert meta["encoding"] == "gb18030"


def test_wrong_meta_charset_utf8_on_gbk_bytes():
    body = page(PARAGRAPH, '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">')
    text, meta = extract_text(body.encode("gb18030"), url=URL, content_type="text/html")
    assert FIRM in text
    assert meta["encoding"] == "gb18030"


def test_wrong_header_latin1_on_gbk_bytes():
    body = page(PARAGRAPH).encode("gbk")
    text, _ = extract_text(body, url=URL, content_type="text/html; charset=ISO-8859-1")
    assert FIRM in text


def test_utf8_declared_as_gb2312():
    body = page(PARAGRAPH, '<meta charset="gb2312">').encode("utf-8")
    text, meta = extract_text(body, url=URL, content_type="text/html; charset=gb2312")
    assert FIRM in text
    assert meta["encoding"] == "utf-8"


def test_big5_declared():
    traditional = "威海市海洋發展局發佈海洋監測裝備產業發展規劃，支持企業研發水下滑翔機。"
    html = (
        '<html><head><meta charset="big5"><title>通知</title></head>'
        f"<body><div class='content'><p>{traditional}</p></div></body></html>"
    )
    body = html.encode("big5")
    text, meta = extract_text(body, url=URL, content_type="text/html")
    assert traditional in text
    assert meta["encoding"] == "cp950"


def test_big5_undeclared_is_detected():
    traditional = (
        "威海市海洋發展局發佈海洋監測裝備產業發展規劃，支持企業研發水下滑翔機。"
        "規劃提出，到二零二六年，全市海洋生態產業規模突破千億元，"
        "培育一批具有國際競爭力的龍頭企業和專業化協作配套企業。"
    )
    body = traditional.encode("big5")
    text, _ = extract_text(body, url="http://127.0.0.1/notice.txt", content_type="text/plain")
    assert text == traditional


def test_short_gbk_text_not_taken_for_korean():
    text, meta = extract_text("市海洋发展局".encode("gbk"), url="http://127.0.0.1/a.txt", content_type="text/plain")
    assert text == "市海洋发展局"
    assert meta["encoding"] == "gb18030"


def test_big5_mislabelled_gb2312_is_detected():
    traditional = (
        "威海市海洋發展局發佈海洋監測裝備產業發展規劃，支持企業研發水下滑翔機。"
        "規劃提出，到二零二六年，全市海洋生態產業規模突破千億元，"
        "培育一批具有國際競爭力的龍頭企業和專業化協作配套企業。"
    )
    text, _ = extract_text(
        traditional.encode("big5"), url="http://127.0.0.1/a.txt", content_type="text/plain; charset=gb2312"
    )
    assert text == traditional


def test_western_single_byte_text_not_read_as_chinese():
    body = "Größe und Qualität der Meeresprodukte aus Weihai.".encode("cp1252")
    text, _ = extract_text(body, url="http://127.0.0.1/a.txt", content_type="text/plain; charset=iso-8859-1")
    assert text == "Größe und Qualität der Meeresprodukte aus Weihai."


def test_xml_declaration_encoding():
    xhtml = (
        '<?xml version="1.0" encoding="big5"?>\n<html><body><div class="content">'
        "<p>威海市海洋發展局發佈通知。</p></div></body></html>"
    )
    text, meta = extract_text(xhtml.encode("big5"), url="http://127.0.0.1/a.xhtml", content_type="application/xhtml+xml")
    assert text == "威海市海洋發展局發佈通知。"
    assert meta["encoding"] == "cp950"


def test_utf8_bom_wins():
    body = "\ufeff" + page(PARAGRAPH, '<meta charset="gbk">')
    _, meta = extract_text(body.encode("utf-8"), url=URL, content_type="text/html")
    assert meta["encoding"] == "utf-8"


def test_decode_bytes_rejects_undecodable():
    garbage = bytes(range(0x80, 0x100)) * 40
    with pytest.raises(DocumentError, match="cannot be decoded"):
        decode_bytes(garbage, url=URL, content_type="text/plain; charset=utf-8")


# -- HTML structure --------------------------------------------------------


def test_html_drops_boilerplate_and_keeps_paragraphs():
    html = """<html><head><title>关于印发方案的通知_威海市人民政府</title>
    <script>var x = "脚本内容";</script><style>p{color:red}</style></head>
    <body>
    <header>网站标题 无障碍浏览</header>
    <nav><a href="/">首页</a><a href="/gk">政务公开</a></nav>
    <div class="breadcrumb">当前位置：首页 &gt; 通知</div>
    <div id="zoom" class="TRS_Editor">
      <p>第一段：支持威海海澜生物科技有限公司建设海洋牧场。</p>
      <p>第二段：市海洋发展局负责。</p>
      <table><tr><td>序号</td><td>企业</td></tr><tr><td>1</td><td>威海碧海生物制品有限公司</td></tr></table>
    </div>
    <ul class="menu"><li>菜单项</li></ul>
    <div class="share">分享到微信</div>
    <footer>版权所有 主办单位</footer>
    </body></html>"""
    text, meta = extract_text(html.encode("utf-8"), url=URL, content_type="text/html")
    assert text.splitlines() == [
        "第一段：支持威海海澜生物科技有限公司建设海洋牧场。",
        "第二段：市海洋发展局负责。",
        "序号\t企业",
        "1\t威海碧海生物制品有限公司",
    ]
    assert meta["title"] == "关于印发方案的通知"


def test_html_table_layout_with_br_lines():
    html = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
    <title>关于开展海洋牧场评估的通知</title></head>
    <body><table width="1000"><tr><td colspan="2">威海市海洋发展局</td></tr>
    <tr><td width="200"><a href="/a">机构概况</a><br><a href="/b">政策法规</a><br>
    <a href="/c">通知公告</a><br><a href="/d">办事指南</a><br><a href="/e">互动交流</a></td>
    <td><table><tr><td><font size="4"><b>关于开展海洋牧场评估的通知</b></font></td></tr>
    <tr><td>发布时间：2023-08-01 来源：市海洋发展局</td></tr>
    <tr><td><div id="zoom"><font size="3">各区市海洋发展局：<br>
    　　为做好海洋牧场建设评估工作，现将有关事项通知如下。<br>
    　　一、评估对象为威海海澜生物科技有限公司等12家单位建设的海洋牧场。<br>
    　　二、评估工作由市海洋发展局会同山东大学（威海）组织实施。<br><br>
    　　　　　　威海市海洋发展局<br>　　　　　　2023年8月1日</font></div></td></tr>
    </table></td></tr>
    <tr><td colspan="2">版权所有：威海市海洋发展局 电话：0631-5200000</td></tr></table></body></html>"""
    text, meta = extract_text(html.encode("gbk"), url=URL, content_type="text/html")
    assert text.splitlines() == [
        "各区市海洋发展局：",
        "为做好海洋牧场建设评估工作，现将有关事项通知如下。",
        "一、评估对象为威海海澜生物科技有限公司等12家单位建设的海洋牧场。",
        "二、评估工作由市海洋发展局会同山东大学（威海）组织实施。",
        "威海市海洋发展局",
        "2023年8月1日",
    ]
    assert meta["title"] == "关于开展海洋牧场评估的通知"
    assert meta["issuer"] == "市海洋发展局"
    assert meta["published"] == "2023-08-01"


def test_html_source_wraps_between_chinese_characters_vanish():
    html = "<html><body><div class='content'><p>威海市海洋发\n展局发布通知，专家组成员：王立新 陈建华。</p></div></body></html>"
    text, _ = extract_text(html.encode("utf-8"), url=URL, content_type="text/html")
    assert text == "威海市海洋发展局发布通知，专家组成员：王立新 陈建华。"


def test_html_markup_leftovers_removed():
    html = (
        "<html><body><div class='content'>"
        "<p>&lt;p&gt;威海海澜生物科技有限公司&lt;/p&gt;建设海洋牧场。</p>"
        "<p>来源：{{article.source}}　编辑：${editor}</p>"
        "<p>市海洋发展局&amp;nbsp;负责。R&amp;D投入增长。</p>"
        "</div></body></html>"
    )
    text, _ = extract_text(html.encode("utf-8"), url=URL, content_type="text/html")
    assert text.splitlines() == [
        "威海海澜生物科技有限公司建设海洋牧场。",
        "来源： 编辑：",
        "市海洋发展局 负责。R&D投入增长。",
    ]


def test_html_heading_outside_body_is_first_line():
    html = (
        "<html><body><h1>海澜生物签约</h1><div class='info'>来源：威海日报</div>"
        "<div class='article-content'><p>正文第一段。</p><p>正文第二段，内容较长一些，用于选择正文容器。</p></div>"
        "</body></html>"
    )
    text, meta = extract_text(html.encode("utf-8"), url=URL, content_type="text/html")
    assert text.splitlines()[0] == "海澜生物签约"
    assert meta["title"] == "海澜生物签约"


def test_html_heading_inside_article_header():
    html = (
        "<html><body><header><h1 class='logo'>威海市人民政府</h1></header>"
        "<article><header><h1>关于海洋牧场建设的通知</h1></header>"
        "<p>支持威海海澜生物科技有限公司建设海洋牧场，推广多营养层次综合养殖技术。</p></article>"
        "</body></html>"
    )
    text, meta = extract_text(html.encode("utf-8"), url=URL, content_type="text/html")
    assert text.splitlines()[0] == "关于海洋牧场建设的通知"
    assert "威海市人民政府" not in text
    assert meta["title"] == "关于海洋牧场建设的通知"


def test_html_metadata_from_meta_tags_and_text():
    html = """<html><head>
    <meta name="ArticleTitle" content="关于修改行动方案的通知">
    <meta name="PubDate" content="2024-09-20 10:00">
    <meta name="ContentSource" content="威海市人民政府办公室">
    </head><body><div class="content">
    <p>威海政办字[2024] 12号</p><p>将第二条第三项修改。</p></div></body></html>"""
    _, meta = extract_text(html.encode("utf-8"), url=URL, content_type="text/html")
    assert meta["title"] == "关于修改行动方案的通知"
    assert meta["published"] == "2024-09-20"
    assert meta["issuer"] == "威海市人民政府办公室"
    assert meta["document_number"] == "威海政办字〔2024〕12号"
    assert meta["kind"] == "html"


def test_html_metadata_from_labels_and_signature_date():
    html = (
        "<html><body><div class='content'><p>发文机关：威海市海洋发展局</p>"
        "<p>各有关单位：现将有关事项通知如下。</p><p>威海市海洋发展局</p>"
        "<p>2023年11月5日</p></div></body></html>"
    )
    _, meta = extract_text(html.encode("utf-8"), url=URL, content_type="text/html")
    assert meta["issuer"] == "威海市海洋发展局"
    assert meta["published"] == "2023-11-05"


def test_html_metadata_table_outside_article():
    html = """<html><head><title>关于印发行动计划的通知_威海市人民政府</title></head><body>
    <table class="xxgk_table">
      <tr><td>索引号：</td><td>11371000004412345A/2021-00017</td><td>发布机构：</td><td>威海市人民政府办公室</td></tr>
      <tr><td>发文字号：</td><td>威政办字〔2021〕17号</td><td>成文日期：</td><td>2021-05-10</td></tr>
    </table>
    <div class="TRS_Editor">
      <p>各区市人民政府，国家级开发区管委，南海新区管委，市政府各部门、单位：</p>
      <p>《威海市海洋牧场建设三年行动计划》已经市政府同意，现印发给你们，请认真组织实施。</p>
      <p>一、建设国家级海洋牧场示范区。支持威海海宝水产有限公司在褚岛海域建设人工鱼礁和海洋牧场平台。</p>
    </div></body></html>"""
    text, meta = extract_text(html.encode("utf-8"), url=URL, content_type="text/html")
    assert text.startswith("各区市人民政府")
    assert "索引号" not in text
    assert meta["issuer"] == "威海市人民政府办公室"
    assert meta["document_number"] == "威政办字〔2021〕17号"
    assert meta["published"] == "2021-05-10"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("威政办字〔2021〕17号", "威政办字〔2021〕17号"),
        ("威政办字[2021]17号", "威政办字〔2021〕17号"),
        ("鲁政字（2023）12号", "鲁政字〔2023〕12号"),
        ("威海政办发【2024】 5号", "威海政办发〔2024〕5号"),
        ("根据威政办字〔2021〕17号文件精神", "威政办字〔2021〕17号"),
        ("现将威海政办字〔2024〕5号印发", "威海政办字〔2024〕5号"),
        ("没有文号的文本", None),
    ],
)
def test_find_document_number(raw, expected):
    assert find_document_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024年3月15日", "2024-03-15"),
        ("发布时间：2024-6-8 09:30", "2024-06-08"),
        ("2021/05/10", "2021-05-10"),
        ("2024年13月1日", None),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


def test_extract_links():
    html = """<html><head><base href="http://127.0.0.1/notices/"></head><body>
    <a href="a.html#top">A</a> <a href="/b.html">B</a> <a href="a.html">A again</a>
    <a href="javascript:void(0)">js</a> <a href="mailto:x@example.invalid">mail</a>
    <a href="附件/方案.pdf">附件</a> <a href="http://other.invalid/x">外站</a>
    <iframe src="frame.html"></iframe>
    <a href="/art/1.html;jsessionid=0A1B2C3D?id=5">会话</a></body></html>"""
    links = extract_links(html.encode("utf-8"), url="http://127.0.0.1/x.html", content_type="text/html")
    assert links == [
        "http://127.0.0.1/notices/a.html",
        "http://127.0.0.1/b.html",
        "http://127.0.0.1/notices/%E9%99%84%E4%BB%B6/%E6%96%B9%E6%A1%88.pdf",
        "http://other.invalid/x",
        "http://127.0.0.1/notices/frame.html",
        "http://127.0.0.1/art/1.html?id=5",
    ]


def test_trs_script_pagination_links():
    html = """<html><body><ul><li><a href="./202403/t20240315_1.html">通知</a></li></ul>
    <div class="page"><script>
    var currentPage = 0;//所在页从0开始
    var prefixName = "index"//网页名称
    var sufName = "html"//网页后缀
    var countPage = 4;//共多少页
    createPageHTML(countPage, currentPage, prefixName, sufName);
    </script></div></body></html>"""
    links = extract_links(html.encode("utf-8"), url="http://127.0.0.1/col/tzgg/index.html", content_type="text/html")
    assert links == [
        "http://127.0.0.1/col/tzgg/202403/t20240315_1.html",
        "http://127.0.0.1/col/tzgg/index.html",
        "http://127.0.0.1/col/tzgg/index_1.html",
        "http://127.0.0.1/col/tzgg/index_2.html",
        "http://127.0.0.1/col/tzgg/index_3.html",
    ]


def test_trs_script_pagination_literal_arguments():
    html = "<html><body><script>createPageHTML(3, 1, 'list', 'shtml');</script></body></html>"
    links = extract_links(html.encode("utf-8"), url="http://127.0.0.1/news/list_1.shtml", content_type="text/html")
    assert links == [
        "http://127.0.0.1/news/list.shtml",
        "http://127.0.0.1/news/list_1.shtml",
        "http://127.0.0.1/news/list_2.shtml",
    ]


# -- other formats ---------------------------------------------------------


def test_pdf_text_and_wrapped_lines():
    paragraphs = [
        "附件",
        "重点项目清单",
        "1. 深远海智能养殖工船示范项目，承担单位：威海海澜生物科技有限公司，合作单位：山东大学（威海），建设期2024—2026年。",
    ]
    body = make_pdf(paragraphs, title="重点项目清单")
    text, meta = extract_text(body, url="http://127.0.0.1/a.pdf", content_type="application/pdf")
    assert text.splitlines() == paragraphs
    assert meta["title"] == "重点项目清单"
    assert meta["kind"] == "pdf"
    assert meta["encoding"] is None


@pytest.mark.parametrize("placeholder", ["Microsoft Word - 附件1.docx", "附件1.doc", "Untitled"])
def test_pdf_placeholder_title_replaced_by_first_line(placeholder):
    body = make_pdf(["重点项目清单", "海洋牧场项目。"], title=placeholder)
    _, meta = extract_text(body, url="http://127.0.0.1/a.pdf", content_type="application/pdf")
    assert meta["title"] == "重点项目清单"


def test_join_wrapped_lines_keeps_headings():
    lines = ["一、总体要求", "为加快发展海洋生态产业，支持威海海澜生物科技有", "限公司建设海洋牧场。", "二、重点任务"]
    assert join_wrapped_lines(lines) == (
        "一、总体要求\n为加快发展海洋生态产业，支持威海海澜生物科技有限公司建设海洋牧场。\n二、重点任务"
    )


def test_docx_paragraphs_tables_and_title():
    document = docx.Document()
    document.core_properties.title = "企业名录"
    document.add_paragraph("威海政办字〔2024〕5号")
    document.add_paragraph("支持威海海源新材料科技有限公司建设海藻酸盐纤维生产线。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "1"
    table.rows[0].cells[1].text = "威海蓝碳生态服务有限公司"
    buffer = io.BytesIO()
    document.save(buffer)
    text, meta = extract_text(buffer.getvalue(), url="http://127.0.0.1/a.docx", content_type=None)
    assert text.splitlines() == [
        "威海政办字〔2024〕5号",
        "支持威海海源新材料科技有限公司建设海藻酸盐纤维生产线。",
        "1\t威海蓝碳生态服务有限公司",
    ]
    assert meta["title"] == "企业名录"
    assert meta["document_number"] == "威海政办字〔2024〕5号"
    assert meta["kind"] == "docx"


def test_docx_keeps_table_position_and_merged_cells():
    document = docx.Document()
    document.core_properties.author = "Administrator"
    document.add_paragraph("一、重点企业")
    table = document.add_table(rows=2, cols=3)
    merged = table.rows[0].cells[0].merge(table.rows[0].cells[2])
    merged.text = "海洋生态新材料产业"
    table.rows[1].cells[0].text = "1"
    table.rows[1].cells[1].text = "威海海源新材料科技有限公司"
    table.rows[1].cells[2].text = "环翠区"
    document.add_paragraph("二、保障措施")
    buffer = io.BytesIO()
    document.save(buffer)
    text, meta = extract_text(buffer.getvalue(), url="http://127.0.0.1/b.docx", content_type=None)
    assert text.splitlines() == [
        "一、重点企业",
        "海洋生态新材料产业",
        "1\t威海海源新材料科技有限公司\t环翠区",
        "二、保障措施",
    ]
    assert meta["issuer"] is None


def test_xlsx_rows_as_lines():
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["序号", "企业名称", "统一社会信用代码"])
    sheet.append([1, "威海海澜生物科技有限公司", "91371000MA3C7HL2X4"])
    sheet.append([None, None, None])
    sheet.append([2, "威海蓝碳生态服务有限公司", "91371000MA3K7WA2EE"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    url = "http://127.0.0.1/%E9%87%8D%E7%82%B9%E4%BC%81%E4%B8%9A.xlsx"
    text, meta = extract_text(buffer.getvalue(), url=url, content_type=None)
    assert text.splitlines() == [
        "序号\t企业名称\t统一社会信用代码",
        "1\t威海海澜生物科技有限公司\t91371000MA3C7HL2X4",
        "2\t威海蓝碳生态服务有限公司\t91371000MA3K7WA2EE",
    ]
    assert meta["kind"] == "xlsx"
    assert meta["title"] == "重点企业.xlsx"


def test_plain_text_gbk_file():
    body = f"{PARAGRAPH}\n\n第二行\n".encode("gbk")
    text, meta = extract_text(body, url="file:///tmp/notice.txt", content_type="text/plain")
    assert text == f"{PARAGRAPH}\n第二行"
    assert meta["kind"] == "text"
    assert meta["title"] == PARAGRAPH


# -- bad input -------------------------------------------------------------


def test_empty_body_rejected():
    with pytest.raises(DocumentError, match=r"http://127.0.0.1/page.html is empty"):
        extract_text(b"", url=URL, content_type="text/html")


def test_too_large_body_rejected(monkeypatch):
    monkeypatch.setattr(text_module, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(DocumentError, match=r"too large \(101 bytes, the limit is 100\)"):
        extract_text(b"a" * 101, url=URL, content_type="text/plain")


def test_binary_garbage_rejected():
    body = bytes(range(256)) * 64
    with pytest.raises(DocumentError, match="is binary data"):
        extract_text(body, url="http://127.0.0.1/blob", content_type=None)


def test_damaged_office_file_rejected():
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(DocumentError, match="^http://127.0.0.1/a.doc is a damaged Microsoft Office file"):
        extract_text(body, url="http://127.0.0.1/a.doc", content_type="application/msword")


def test_zip_that_is_not_docx_rejected():
    body = b"PK\x03\x04" + b"\x00" * 100
    with pytest.raises(DocumentError, match="ZIP archive but not a DOCX or XLSX"):
        extract_text(body, url="http://127.0.0.1/a.zip", content_type="application/zip")


def test_damaged_docx_rejected():
    document = docx.Document()
    document.add_paragraph("正文")
    buffer = io.BytesIO()
    document.save(buffer)
    damaged = buffer.getvalue()[:-200]
    with pytest.raises(DocumentError, match=r"b\.docx is not a readable DOCX document"):
        extract_text(damaged, url="http://127.0.0.1/b.docx", content_type=None)


def test_truncated_pdf_rejected():
    body = make_pdf(["内容"], title="t")[:200]
    with pytest.raises(DocumentError, match="a.pdf"):
        extract_text(body, url="http://127.0.0.1/a.pdf", content_type="application/pdf")


def test_html_without_text_rejected():
    with pytest.raises(DocumentError, match="contains no readable text"):
        extract_text(b"<html><body><script>x()</script></body></html>", url=URL, content_type="text/html")


def test_pdf_without_text_layer_rejected():
    body = make_pdf([""], title="扫描件")
    with pytest.raises(DocumentError, match="PDF without a text layer"):
        extract_text(body, url="http://127.0.0.1/scan.pdf", content_type="application/pdf")


def test_html_error_page_labelled_pdf_read_as_html():
    html = "<html><body><div class='content'><p>文件不存在或已删除。</p></div></body></html>"
    text, meta = extract_text(html.encode("utf-8"), url="http://127.0.0.1/a.pdf", content_type="application/pdf")
    assert text == "文件不存在或已删除。"
    assert meta["kind"] == "html"


def test_unsupported_content_type_rejected():
    with pytest.raises(DocumentError, match="'image/png', which has no text extraction"):
        extract_text(b"abc", url="http://127.0.0.1/x", content_type="image/png")
