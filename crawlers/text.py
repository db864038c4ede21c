"""Decoding and text extraction for HTML, PDF, DOCX, XLSX and plain text.

Chinese pages often declare no charset, or declare gb2312 while using
characters that only GBK or GB18030 contain, so every GB-family
declaration is decoded as GB18030 and an undeclared or wrong charset is
detected (charset-normalizer).
"""

from __future__ import annotations

import codecs
import html
import io
import logging
import re
from collections.abc import Iterable
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import charset_normalizer
import lxml.etree
import lxml.html
from w3lib.url import safe_url_string

from bluecarbon.errors import DocumentError
from crawlers import legacy

logger = logging.getLogger(__name__)

# Larger documents are rejected before decoding; a policy page is rarely
# above a few megabytes, and a scanned PDF has no text layer anyway.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024

# File types with no text extraction here (presentations, images, media,
# archives, code): links to them are not followed and folders are read
# without them.
UNSUPPORTED_EXTENSIONS = frozenset(
    """
    jpg jpeg png gif bmp svg webp ico tif tiff psd
    mp3 mp4 avi wmv flv mov wav m4a rm rmvb mkv swf
    zip rar 7z gz tgz tar bz2 xz exe msi apk dmg iso bin
    css js json woff woff2 ttf eot
    ppt pptx dps ceb caj ofd
    """.split()
)

KIND_HTML = "html"
KIND_PDF = "pdf"
KIND_DOCX = "docx"
KIND_XLSX = "xlsx"
KIND_DOC = "doc"
KIND_XLS = "xls"
_OFFICE_TYPES = ("application/msword", "application/vnd.ms-excel", "application/kswps")
KIND_TEXT = "text"

# Codecs to decode each declared charset with: supersets of the declared
# one, because servers label GBK and GB18030 pages as gb2312, and Big5
# pages use Microsoft's extensions (cp950).
_CODEC_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "hz": "gb18030",
    "big5": "cp950",
    "cp950": "cp950",
    "big5hkscs": "big5hkscs",
    "ascii": "utf-8",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# TRS pagination scripts: createPageHTML(count, current, prefix, suffix)
# and the `var name = value` assignments its arguments refer to.
MAX_SCRIPT_PAGES = 200
_CREATE_PAGE_HTML = re.compile(r"createPageHTML\s*\(([^()]{1,200})\)")
_SCRIPT_ASSIGNMENT = re.compile(r"\bvar\s+(\w+)\s*=\s*(\d+|\"[\w-]*\"|'[\w-]*')")
_SESSION_ID = re.compile(r";jsessionid=[^?#/]*", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)

# Elements whose text is never part of the article.
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "select",
    "button",
    "svg",
    "canvas",
    "object",
    "embed",
)
# Class or id words that mark navigation and page furniture on Chinese
# government and news sites.
_BOILERPLATE_WORDS = {
    "nav",
    "navbar",
    "menu",
    "menubar",
    "header",
    "footer",
    "foot",
    "topbar",
    "toolbar",
    "breadcrumb",
    "breadcrumbs",
    "crumb",
    "crumbs",
    "location",
    "position",
    "sidebar",
    "side",
    "share",
    "copyright",
    "banner",
    "pagination",
    "pager",
    "page-nav",
    "related",
    "friendlink",
    "links",
    "skip",
}
_BOILERPLATE_PATTERN = re.compile(r"[\s_]+")

# Containers that usually hold the article body on such sites.
_CONTENT_HINTS = re.compile(
    r"(^|[\s_-])(article|content|contents|main|zoom|trs_editor|"
    r"ucap-content|pages_content|detail|text|body|con|wzy|neirong)([\s_-]|$)",
    re.IGNORECASE,
)

_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "br",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tr",
    "thead",
    "tbody",
    "blockquote",
    "pre",
    "hr",
    "center",
    "address",
    "figure",
    "figcaption",
    "caption",
}
_CELL_TAGS = {"td", "th"}

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef"
_NEWLINE_IN_CJK = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}])\n(?=[{_CJK}{_CJK_PUNCT}])")

# 威政办字〔2021〕17号, 威海政办发[2024]5号, 鲁政字（2023）12号 and the like.
_DOCUMENT_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,12}?)\s*[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]\s*"
    r"(第?\s*\d{1,4})\s*号"
)
# Words that precede a document number in running text but are not part of
# its issuer prefix, as in 根据威政办字〔2021〕17号.
_NUMBER_LEADING_WORDS = re.compile(
    r"^(?:现将|根据|按照|依据|参照|对照|结合|落实|贯彻|执行|印发|转发|关于|对|将|经|见|按|依|据|以)+"
)
_DATE_PATTERNS = (
    re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})"),
)
_DATE_LABELS = re.compile(
    r"(?:发布日期|发布时间|成文日期|印发日期|日期|时间|发文日期)\s*[:：]\s*([^\n]{6,40})"
)
_ISSUER_LABELS = re.compile(
    r"(?:发文机关|发布机构|发文单位|来源|信息来源|发布单位)\s*[:：]\s*"
    r"([\u4e00-\u9fff（）()]{2,40})"
)
# CMS leftovers inside text nodes: escaped tags (&lt;p&gt; shows as <p>),
# unfilled template variables, and entities escaped twice (&amp;nbsp;).
_LEFTOVER_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,10}(?:\s[^<>\n]{0,200})?/?>")
_TEMPLATE_VARIABLE = re.compile(r"\{\{[^{}\n]{0,100}\}\}|\$\{[^{}\n]{0,100}\}|<%[^%\n]{0,100}%>")
_LEFTOVER_ENTITY = re.compile(r"&(?:nbsp|ensp|emsp|thinsp|lt|gt|amp|quot|apos|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
# PDF titles that converters fill in: file names and "Microsoft Word - ...".
_PLACEHOLDER_TITLE = re.compile(
    r"^(?:Microsoft Word - |untitled|无标题)|\.(?:docx?|wps|pdf|txt)$", re.IGNORECASE
)
_TITLE_SUFFIX = re.compile(r"\s*[-_|—–]+\s*[^-_|—–]{2,30}$")
_SENTENCE_END = "。！？；：!?;:”」』）)"


def extract_text(
    body: bytes, *, url: str, content_type: str | None
) -> tuple[str, dict]:
    """Decode ``body`` (HTML, PDF, DOCX, XLSX, DOC, XLS or text) and return
    its readable text and metadata.

    The metadata dict has ``title``, ``issuer``, ``document_number``,
    ``published`` (ISO date), ``encoding`` (the codec used, None for the
    binary formats) and ``kind`` (html, pdf, docx, xlsx, doc, xls or
    text); unknown values are None.

    Raises DocumentError, naming the URL, when the body is empty, too large,
    binary, undecodable, or of a kind that has no text layer.
    """
    if not body:
        raise DocumentError(f"{url} is empty (0 bytes); check the source")
    if len(body) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"{url} is too large ({len(body)} bytes, the limit is "
            f"{MAX_DOCUMENT_BYTES}); split the document or extract it by hand"
        )
    kind = detect_kind(body, url=url, content_type=content_type)
    if kind == KIND_PDF:
        text, meta = _extract_pdf(body, url)
    elif kind == KIND_DOCX:
        text, meta = _extract_docx(body, url)
    elif kind == KIND_XLSX:
        text, meta = _extract_xlsx(body, url)
    elif kind == KIND_DOC:
        text, meta = _extract_doc(body, url)
    elif kind == KIND_XLS:
        text, meta = _extract_xls(body, url)
    elif kind == KIND_HTML:
        text, meta = _extract_html(body, url, content_type)
    else:
        text, meta = _extract_plain(body, url, content_type)
    meta["kind"] = kind
    if kind in (KIND_HTML, KIND_TEXT):
        text = remove_markup_leftovers(text)
    text = text.strip()
    if not text and kind == KIND_PDF:
        raise DocumentError(
            f"{url} is a PDF without a text layer (a scan); run OCR on it "
            "and add the result as a file"
        )
    if not text and kind in (KIND_HTML, KIND_TEXT):
        raise DocumentError(
            f"{url} contains no readable text ({kind}); check that the "
            "page does not build its content with JavaScript"
        )
    if not text:
        raise DocumentError(
            f"{url} contains no readable text ({kind}); the document is empty "
            "or holds only pictures"
        )
    _fill_metadata_from_text(text, meta)
    return text, meta


def remove_markup_leftovers(text: str) -> str:
    """Remove escaped HTML tags, unfilled template variables and entities
    escaped twice from extracted text, line by line."""
    text = _TEMPLATE_VARIABLE.sub("", text)
    text = _LEFTOVER_TAG.sub("", text)
    text = _LEFTOVER_ENTITY.sub(lambda match: html.unescape(match.group(0)), text)
    lines = [_clean_inline(line) if "\t" not in line else line for line in text.split("\n")]
    return "\n".join(line for line in lines if line.strip())


def detect_kind(body: bytes, *, url: str, content_type: str | None) -> str:
    """Return html, pdf, docx, xlsx, doc, xls or text from the bytes,
    Content-Type and URL.

    Raises DocumentError for binary formats that have no text extraction
    here (images, archives, presentations).
    """
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    head = body[:1024].lstrip()
    # Some servers send bytes before the PDF header; pypdf skips them.
    if body.startswith(b"%PDF-") or (mime == "application/pdf" and b"%PDF-" in body[:1024]):
        return KIND_PDF
    if body.startswith(b"PK\x03\x04"):
        if b"word/" in body[:65536] or mime.endswith("wordprocessingml.document"):
            return KIND_DOCX
        if b"xl/" in body[:65536] or mime.endswith("spreadsheetml.sheet"):
            return KIND_XLSX
        raise DocumentError(
            f"{url} is a ZIP archive but not a DOCX or XLSX document; "
            "unpack it and crawl the files inside"
        )
    if body.startswith(legacy.OLE_MAGIC):
        streams = legacy.ole_streams(body, url)
        if "WordDocument" in streams:
            return KIND_DOC
        if "Workbook" in streams or "Book" in streams:
            return KIND_XLS
        raise DocumentError(
            f"{url} is a Microsoft Office file that is neither a Word nor an "
            "Excel document (a presentation?); save it as PDF first"
        )
    suffix = urlsplit(url).path.rsplit(".", 1)[-1].lower() if "." in url else ""
    if body.lstrip().startswith(b"{\\rtf"):
        raise DocumentError(
            f"{url} is an RTF document (often saved with a .doc name), which "
            "has no text extraction here; save it as DOCX or PDF"
        )
    if mime in ("text/html", "application/xhtml+xml") or suffix in (
        "html",
        "htm",
        "shtml",
        "xhtml",
        "jsp",
        "php",
        "asp",
        "aspx",
    ):
        return KIND_HTML
    lowered = head[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return KIND_HTML
    if _looks_binary(body):
        raise DocumentError(
            f"{url} is binary data ({mime or 'no Content-Type'}), not a "
            "document with text; remove it from the sources"
        )
    if mime.startswith("text/") or not mime or suffix in ("txt", "md", "csv"):
        return KIND_TEXT
    if mime in ("application/xml", "application/json", "application/octet-stream"):
        return KIND_TEXT
    # Export systems save tab-separated text under .xls and .doc names.
    if mime in _OFFICE_TYPES or suffix in ("doc", "xls", "wps", "et"):
        return KIND_TEXT
    raise DocumentError(
        f"{url} has Content-Type {mime!r}, which has no text extraction; "
        "supported are HTML, PDF, DOCX, XLSX, DOC, XLS and plain text"
    )


def _looks_binary(body: bytes) -> bool:
    sample = body[:8192]
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return controls > len(sample) * 0.05


# -- decoding ---------------------------------------------------------------


def normalise_charset(name: str | None) -> str | None:
    """Return the Python codec to decode a declared charset with, or None
    when the name is unknown."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("'\"")).name
    except LookupError:
        return None
    return _CODEC_SUPERSETS.get(codec, codec)


def declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    """Return the codecs declared by the Content-Type header, a ``<meta>``
    tag and an XML declaration, in that order, without duplicates."""
    names: list[str | None] = []
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            names.append(match.group(1))
    for pattern in (_META_CHARSET, _XML_ENCODING):
        match = pattern.search(body[:4096])
        if match:
            names.append(match.group(1).decode("ascii", "replace"))
    codecs_found: list[str] = []
    for name in names:
        codec = normalise_charset(name)
        if codec and codec not in codecs_found:
            codecs_found.append(codec)
    return codecs_found


def decode_bytes(body: bytes, *, url: str, content_type: str | None) -> tuple[str, str]:
    """Decode ``body`` and return ``(text, codec)``.

    The rules are tried in this order, and the first that applies wins:

    1. a byte-order mark;
    2. pure ASCII, then valid UTF-8;
    3. a declared CJK multibyte codec that decodes to plausible text;
    4. GB18030 when it decodes to plausible simplified Chinese;
    5. a detected CJK codec, then a declared single-byte codec, then any
       detected codec.

    GBK text is practically never valid UTF-8, so UTF-8 is tried before any
    declaration. GB18030 is tried before detection because detection
    misreads short GBK text: charset-normalizer 3.5.2 takes the GBK bytes
    of 市海洋发展局 for Korean cp949.

    Raises DocumentError when nothing decodes cleanly.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace"), codec.replace("-sig", "")
    try:
        body.decode("ascii")
    except UnicodeDecodeError:
        pass
    else:
        return body.decode("ascii"), "utf-8"
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass

    declared = declared_charsets(body, content_type)
    for codec in declared:
        if codec in ("utf-8", "cp1252") or not _is_multibyte_cjk(codec):
            continue
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        if _plausible_chinese(text) and (codec != "gb18030" or _mostly_gb2312(text)):
            return text, codec

    try:
        text = body.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        if _plausible_chinese(text) and _mostly_gb2312(text):
            return text, "gb18030"

    # Detection overrides a declared single-byte charset only with a CJK
    # codec, because between single-byte code pages the declaration is the
    # better guess.
    detected = _detect(body)
    single_byte = [codec for codec in declared if codec != "utf-8" and not _is_multibyte_cjk(codec)]
    if detected is not None and (_is_multibyte_cjk(detected[1]) or not single_byte):
        return detected

    for codec in declared:
        if codec == "utf-8":
            continue
        try:
            return body.decode(codec), codec
        except UnicodeDecodeError:
            continue
    if detected is not None:
        return detected

    text = body.decode("gb18030", errors="replace")
    if text.count("\ufffd") <= max(2, len(text) // 200):
        return text, "gb18030"
    raise DocumentError(
        f"{url} cannot be decoded: it is not UTF-8, GB18030 or Big5 and its "
        f"declared charset ({', '.join(declared) or 'none'}) does not fit; "
        "save it as UTF-8 and add it as a file"
    )


_MULTIBYTE_CJK_CODECS = frozenset(
    """gb18030 gbk gb2312 hz big5 cp950 big5hkscs euc_jp shift_jis cp932
    iso2022_jp euc_kr cp949 johab iso2022_kr""".split()
)


def _is_multibyte_cjk(codec: str) -> bool:
    return codec in _MULTIBYTE_CJK_CODECS


def _plausible_chinese(text: str) -> bool:
    """Return False when a decoded text is full of private-use or rare
    characters, the sign of Big5 decoded as GB or the reverse."""
    cjk = sum(1 for char in text if "\u4e00" <= char <= "\u9fff")
    odd = sum(
        1
        for char in text
        if "\ue000" <= char <= "\uf8ff" or "\u3400" <= char <= "\u4dbf" or char == "\ufffd"
    )
    return odd <= max(1, cjk // 50)


def _mostly_gb2312(text: str) -> bool:
    """Return True when text decoded as GB18030 reads as simplified Chinese:
    at least 4 CJK characters, 90 % of them in the common GB2312 set, and
    CJK characters make up most of the non-ASCII text.

    Big5 or Western single-byte text decoded as GB18030 yields rare GBK
    characters or few CJK characters, and fails this test.
    """
    cjk = [char for char in text if "\u4e00" <= char <= "\u9fff"]
    non_ascii = sum(1 for char in text if ord(char) > 0x7F)
    if len(cjk) < 4 or len(cjk) < non_ascii * 0.5:
        return False
    common = 0
    for char in cjk:
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return common >= len(cjk) * 0.9


def _detect(body: bytes) -> tuple[str, str] | None:
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is None:
        return None
    codec = normalise_charset(best.encoding) or best.encoding
    try:
        return body.decode(codec), codec
    except UnicodeDecodeError:
        return None


# -- HTML -------------------------------------------------------------------


def parse_html(body: bytes, *, url: str, content_type: str | None):
    """Decode and parse an HTML page; return ``(root element, codec)``."""
    text, codec = decode_bytes(body, url=url, content_type=content_type)
    # lxml rejects str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml.html.document_fromstring(text, base_url=url)
    except (lxml.etree.ParserError, ValueError) as error:
        raise DocumentError(f"{url} is not parseable HTML ({error})") from error
    return root, codec


def extract_links(body: bytes, *, url: str, content_type: str | None) -> list[str]:
    """Return the absolute http(s) URLs that an HTML page links to (``a``,
    ``area``, ``frame`` and ``iframe``), without fragments, in page order
    and without duplicates.

    Non-ASCII characters in a link are percent-encoded: the path as UTF-8,
    the query in the page's own encoding, as browsers do.
    """
    root, codec = parse_html(body, url=url, content_type=content_type)
    base_url = url
    base = root.find(".//base[@href]")
    if base is not None:
        base_url = urljoin(url, base.get("href").strip())
    links: list[str] = []
    seen: set[str] = set()
    targets = [
        element.get("href") if element.tag in ("a", "area") else element.get("src")
        for element in root.iter("a", "area", "frame", "iframe")
    ]
    targets.extend(script_pagination_links(root))
    for target in targets:
        if not target:
            continue
        target = target.strip()
        if target.lower().startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
            continue
        absolute = urldefrag(urljoin(base_url, target))[0]
        # Java servers put the session id in the path; each visit would
        # otherwise see every page under a new URL.
        absolute = _SESSION_ID.sub("", absolute)
        if urlsplit(absolute).scheme not in ("http", "https"):
            continue
        absolute = safe_url_string(absolute, encoding=codec)
        if absolute not in seen:
            seen.add(absolute)
            links.append(absolute)
    return links


def script_pagination_links(root) -> list[str]:
    """Return the relative links of list pages that a TRS-style
    ``createPageHTML(count, current, prefix, suffix)`` script writes.

    Government portals built on TRS WCM render their list pagination with
    this script, so the page's HTML has no links to pages 2 and later. The
    first page is ``prefix.suffix``; page n+1 is ``prefix_n.suffix``.
    Arguments may be literals or variables assigned in the page's scripts.
    A script's page count is capped at MAX_SCRIPT_PAGES.
    """
    scripts = "\n".join(element.text or "" for element in root.iter("script"))
    if "createPageHTML" not in scripts:
        return []
    variables = {
        match.group(1): match.group(2)
        for match in _SCRIPT_ASSIGNMENT.finditer(scripts)
    }
    links: list[str] = []
    for match in _CREATE_PAGE_HTML.finditer(scripts):
        arguments = [
            variables.get(argument.strip(), argument.strip()).strip("'\"")
            for argument in match.group(1).split(",")
        ]
        if len(arguments) < 4 or not arguments[0].isdigit():
            continue
        count = min(int(arguments[0]), MAX_SCRIPT_PAGES)
        prefix, suffix = arguments[2], arguments[3]
        if not re.fullmatch(r"[\w-]+", prefix) or not re.fullmatch(r"\w+", suffix):
            continue
        links.append(f"{prefix}.{suffix}")
        links.extend(f"{prefix}_{number}.{suffix}" for number in range(1, count))
    return links


def _extract_html(body: bytes, url: str, content_type: str | None) -> tuple[str, dict]:
    root, codec = parse_html(body, url=url, content_type=content_type)
    meta = _html_metadata(root)
    meta["encoding"] = codec
    # Read before boilerplate removal: an article's <h1> often sits in a
    # <header> element inside the <article>.
    article_heading = _article_heading(root)

    for element in list(root.iter(*_DROP_TAGS)):
        _drop(element)
    for element in list(root.iter(lxml.etree.Element)):
        if _is_boilerplate(element):
            _drop(element)

    container = _find_content(root)
    # Government pages often show issuer, number and date in a table above
    # the article, outside the container; labels are searched there too.
    body = root.find("body")
    meta["_page_text"] = element_text(body if body is not None else root)
    heading = article_heading or _first_heading(root)
    if meta.get("title") is None and heading:
        meta["title"] = heading
    text = element_text(container)
    if heading and heading not in text[: len(heading) + 200]:
        text = f"{heading}\n{text}"
    return text, meta


def _drop(element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    element.drop_tree()


def _class_words(element) -> set[str]:
    value = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return {word for word in _BOILERPLATE_PATTERN.split(value) if word}


def _is_boilerplate(element) -> bool:
    if element.tag in ("html", "body"):
        return False
    if element.get("role") in ("navigation", "banner", "contentinfo", "menu"):
        return True
    words = _class_words(element)
    return bool(words & _BOILERPLATE_WORDS)


def _find_content(root):
    """Return the element that most likely contains the article body.

    That is the element with the most paragraph text, preferring a
    content-like class or id.
    """
    body = root.find("body")
    if body is None:
        body = root
    best = body
    best_score = 0.0
    for element in body.iter("article", "main", "div", "section", "td"):
        paragraphs = element.findall(".//p")
        score = sum(len((p.text_content() or "").strip()) for p in paragraphs)
        if not paragraphs:
            score = len((element.text_content() or "").strip()) * 0.3
        hint = f"{element.get('class') or ''} {element.get('id') or ''}"
        if element.tag in ("article", "main") or _CONTENT_HINTS.search(hint):
            score *= 1.5
        # Prefer the innermost container that keeps most of the text.
        nested = score >= best_score * 0.95 and best in element.iterancestors()
        if score > best_score * 1.05 or nested:
            best = element
            best_score = score
    total = len((body.text_content() or "").strip())
    kept = len((best.text_content() or "").strip())
    if total and kept < total * 0.2:
        return body
    return best


def _article_heading(root) -> str | None:
    """Return the first <h1> inside an <article> or <main> element."""
    for element in root.iter("h1"):
        if any(parent.tag in ("article", "main") for parent in element.iterancestors()):
            text = _clean_inline(element.text_content())
            if text:
                return text
    return None


def _first_heading(root) -> str | None:
    for tag in ("h1", "h2"):
        for element in root.iter(tag):
            text = _clean_inline(element.text_content())
            if text:
                return text
    return None


def element_text(element) -> str:
    """Return the text of ``element`` with one line per block element and
    table cells separated by tabs."""
    parts: list[str] = []
    _walk(element, parts)
    raw = "".join(parts)
    lines = []
    for line in raw.split("\n"):
        cells = [_clean_inline(cell) for cell in line.split("\t")]
        line = "\t".join(cell for cell in cells if cell)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _walk(element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _BLOCK_TAGS:
        parts.append("\n")
    elif tag in _CELL_TAGS:
        parts.append("\t")
    if element.text and tag not in ("script", "style"):
        parts.append(_source_text(element.text))
    for child in element:
        _walk(child, parts)
        if child.tail:
            parts.append(_source_text(child.tail))
    if tag in _BLOCK_TAGS:
        parts.append("\n")


def _source_text(text: str) -> str:
    # Line breaks in HTML source are spaces when rendered; between two CJK
    # characters they are wraps of the source and vanish.
    text = _NEWLINE_IN_CJK.sub("", text)
    return text.replace("\n", " ").replace("\r", " ")


def _clean_inline(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u3000", " ")
    return re.sub(r"[ \t\r\f\v]+", " ", text).strip()


def _html_metadata(root) -> dict:
    meta: dict = {"title": None, "issuer": None, "document_number": None, "published": None}
    named = {}
    for element in root.iter("meta"):
        name = (element.get("name") or element.get("property") or "").strip().lower()
        content = (element.get("content") or "").strip()
        if name and content:
            named[name] = content
    title = named.get("articletitle") or named.get("og:title")
    if not title:
        title_element = root.find(".//title")
        if title_element is not None:
            title = _TITLE_SUFFIX.sub("", _clean_inline(title_element.text_content()))
    meta["title"] = title or None
    meta["issuer"] = named.get("contentsource") or named.get("author") or None
    published = named.get("pubdate") or named.get("publishdate") or named.get(
        "article:published_time"
    )
    if published:
        meta["published"] = parse_date(published)
    number = named.get("filenumber") or named.get("documentnumber")
    if number:
        meta["document_number"] = find_document_number(number)
    return meta


# -- PDF and DOCX -----------------------------------------------------------


def _extract_pdf(body: bytes, url: str) -> tuple[str, dict]:
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(body))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(
                f"{url} is an encrypted PDF; save an unencrypted copy and add it"
            )
        pages = [_pdf_page_text(page, url, number) for number, page in enumerate(reader.pages, 1)]
        info = reader.metadata
    except DocumentError:
        raise
    except Exception as error:
        # pypdf 7.1 raises PdfReadError but also IndexError, KeyError,
        # AttributeError and others on malformed files.
        detail = str(error) if isinstance(error, PdfReadError) else f"{type(error).__name__}: {error}"
        raise DocumentError(
            f"{url} is not a readable PDF ({detail}); check that the download "
            "is complete"
        ) from error
    text = "\n".join(join_wrapped_lines(page.splitlines()) for page in pages)
    title = None
    if info is not None and info.title:
        title = str(info.title).strip() or None
    if title and _PLACEHOLDER_TITLE.search(title):
        title = None
    meta = {
        "title": title,
        "issuer": None,
        "document_number": None,
        "published": None,
        "encoding": None,
    }
    if meta["title"] is None:
        meta["title"] = _first_line(text)
    return text, meta


def _pdf_page_text(page, url: str, number: int) -> str:
    """Return one page's text; a page that pypdf cannot read gives '' and a
    warning, so the other pages are kept."""
    try:
        return page.extract_text() or ""
    except Exception as error:
        logger.warning("page %d of %s skipped: %s: %s", number, url, type(error).__name__, error)
        return ""


def join_wrapped_lines(lines: Iterable[str]) -> str:
    """Join lines that a PDF wrapped inside a paragraph.

    A line is joined to the next when it is nearly as long as the longest
    line, so it was wrapped at the margin, and does not end a sentence.
    Short lines such as headings stay on their own.
    """
    cleaned = [_clean_inline(line) for line in lines]
    cleaned = [line for line in cleaned if line]
    if not cleaned:
        return ""
    width = max(len(line) for line in cleaned)
    output: list[str] = []
    current = ""
    for line in cleaned:
        current += line
        wrapped = (
            width >= 15
            and len(line) >= width * 0.85
            and not line.endswith(tuple(_SENTENCE_END))
        )
        if not wrapped:
            output.append(current)
            current = ""
    if current:
        output.append(current)
    return "\n".join(output)


def _extract_docx(body: bytes, url: str) -> tuple[str, dict]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(body))
    except PackageNotFoundError as error:
        raise DocumentError(
            f"{url} is not a readable DOCX document ({error}); open and re-save it"
        ) from error
    except Exception as error:
        # python-docx 1.2 raises KeyError, ValueError, lxml errors and others
        # on damaged packages.
        raise DocumentError(
            f"{url} is not a readable DOCX document ({type(error).__name__}: "
            f"{error}); open and re-save it"
        ) from error

    # Paragraphs and tables in document order, one line per paragraph and
    # per table row, cells separated by tabs.
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = lxml.etree.QName(child).localname
        if tag == "p":
            lines.append(_clean_inline(Paragraph(child, document).text))
        elif tag == "tbl":
            lines.extend(_docx_table_rows(Table(child, document)))
    text = "\n".join(line for line in lines if line)

    # The core properties' author is the account that saved the file and
    # their creation time is often the template's, so neither is used.
    title = (document.core_properties.title or "").strip() or _first_line(text)
    meta = {
        "title": title,
        "issuer": None,
        "document_number": None,
        "published": None,
        "encoding": None,
    }
    return text, meta


def _docx_table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells = []
        seen = set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(_clean_inline(cell.text))
        rows.append("\t".join(cell for cell in cells if cell))
    return rows


def _extract_xlsx(body: bytes, url: str) -> tuple[str, dict]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except Exception as error:
        # openpyxl 3.1 raises InvalidFileException, KeyError, zipfile and
        # XML errors on damaged workbooks.
        raise DocumentError(
            f"{url} is not a readable XLSX workbook ({type(error).__name__}: "
            f"{error}); open and re-save it"
        ) from error
    # One line per row, cells separated by tabs; sheets follow each other
    # because enterprise lists rarely span more than one.
    lines: list[str] = []
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells = [_clean_inline(str(value)) for value in row if value is not None]
                line = "\t".join(cell for cell in cells if cell)
                if line:
                    lines.append(line)
        title = (workbook.properties.title or "").strip() or None
    finally:
        workbook.close()
    text = "\n".join(lines)
    meta = {
        # A workbook's first row is a header; its file name says more.
        "title": title or _file_name(url) or _first_line(text),
        "issuer": None,
        "document_number": None,
        "published": None,
        "encoding": None,
    }
    return text, meta


def _extract_doc(body: bytes, url: str) -> tuple[str, dict]:
    text, title = legacy.doc_text(body, url)
    lines = [_clean_inline(line) if "\t" not in line else line for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    meta = {
        "title": title or _first_line(text),
        "issuer": None,
        "document_number": None,
        "published": None,
        "encoding": None,
    }
    return text, meta


def _extract_xls(body: bytes, url: str) -> tuple[str, dict]:
    lines = [_clean_inline(line) if "\t" not in line else line for line in legacy.xls_rows(body, url)]
    text = "\n".join(line for line in lines if line)
    meta = {
        # A workbook's first row is a header; its file name says more.
        "title": _file_name(url) or _first_line(text),
        "issuer": None,
        "document_number": None,
        "published": None,
        "encoding": None,
    }
    return text, meta


def _extract_plain(body: bytes, url: str, content_type: str | None) -> tuple[str, dict]:
    text, codec = decode_bytes(body, url=url, content_type=content_type)
    lines = [_clean_inline(line) for line in text.splitlines()]
    text = "\n".join(line for line in lines if line)
    return text, {
        "title": _first_line(text) or _file_name(url),
        "issuer": None,
        "document_number": None,
        "published": None,
        "encoding": codec,
    }


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:200]
    return None


def _file_name(url: str) -> str | None:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return name or None


# -- metadata found in the text ---------------------------------------------


def find_document_number(text: str) -> str | None:
    """Return the first document number in ``text`` with its year in 〔〕,
    e.g. 威政办字〔2021〕17号, or None."""
    match = _DOCUMENT_NUMBER.search(text)
    if match is None:
        return None
    prefix, year, number = match.groups()
    prefix = _NUMBER_LEADING_WORDS.sub("", prefix) or prefix
    number = re.sub(r"\s+", "", number)
    return f"{prefix}〔{year}〕{number}号"


def parse_date(text: str) -> str | None:
    """Return the first date in ``text`` as YYYY-MM-DD, or None."""
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            year, month, day = (int(part) for part in match.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _fill_metadata_from_text(text: str, meta: dict) -> None:
    page_text = meta.pop("_page_text", None)
    for source in (text, page_text):
        if source:
            _fill_from_labels(source[:3000], meta)
    if not meta.get("published"):
        # A notice ends with its signature date (成文日期).
        tail_dates = [parse_date(line) for line in text[-600:].splitlines()]
        dated = [date for date in tail_dates if date]
        meta["published"] = dated[-1] if dated else None


def _fill_from_labels(head: str, meta: dict) -> None:
    if not meta.get("document_number"):
        meta["document_number"] = find_document_number(head)
    if not meta.get("published"):
        label = _DATE_LABELS.search(head)
        if label:
            meta["published"] = parse_date(label.group(1))
    if not meta.get("issuer"):
        label = _ISSUER_LABELS.search(head)
        if label:
            meta["issuer"] = label.group(1)
