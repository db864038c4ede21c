"""The web page end to end: the app on 127.0.0.1 over the session's graph
store, driven in headless Chromium through Selenium and chromedriver.

Browser tests skip when Debian's chromium and chromium-driver are not
installed; .ci/run installs both. A failing browser test saves a
screenshot and the page's HTML under test-artifacts/.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from openpyxl import load_workbook
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.server import create_app
from api.web import web_routes
from bluecarbon.model import (
    AFFILIATED_WITH,
    COOPERATES_WITH,
    DEVELOPS,
    FIRM,
    INSTITUTE,
    PERSON,
    REMOVED,
    TECHNOLOGY,
    DocumentInfo,
    Entity,
    Evidence,
    Extraction,
    Relation,
    SourceVersion,
)
from graph import api_reads

AQUACULTURE = "绿色水产养殖业"
MATERIALS = "海洋生态新材料产业"
PLAN_NUMBER = "威政办发〔2021〕17号"
PLAN_URL = "https://www.weihai.gov.cn/plan-2021.html"
AMENDMENT_URL = "https://www.weihai.gov.cn/amend-2022.html"
LIST_URL = "https://www.weihai.gov.cn/enterprises-2024.html"

HAIDA = "威海海大水产有限公司"
HAIDA_KEY = f"Firm:{HAIDA}"
LANJING = "威海蓝晶新材料有限公司"
QINGDAO = "青岛蓝海渔业有限公司"
SDU = "山东大学（威海）"
EXPERT = "李海洋"
SHIP = "深远海养殖工船"

PLAN_SENTENCE = f"支持{HAIDA}建设深远海养殖工船，与{SDU}合作开展绿色水产养殖。"
LIST_SENTENCE = f"{HAIDA}（简称海大水产）位于荣成市，从事绿色水产养殖业，研发{SHIP}。"
EXPERT_SENTENCE = f"{EXPERT}任{HAIDA}首席专家。"

TOKEN_NAME = "alice"
TOKEN = "secret1"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
WAIT_SECONDS = 20


# -- graph data ---------------------------------------------------------------


def _mention(sentence: str, name: str) -> Evidence:
    start = sentence.index(name)
    return Evidence(sentence, start, start + len(name))


def _entity(kind: str, name: str, *sentences: str, **fields) -> Entity:
    return Entity(type=kind, name=name, evidence=[_mention(s, name) for s in sentences], **fields)


def _relation(head: Entity, type_: str, tail: Entity, sentence: str) -> Relation:
    return Relation(
        head=head.name,
        head_type=head.type,
        type=type_,
        tail=tail.name,
        tail_type=tail.type,
        evidence=[Evidence(sentence, 0, len(sentence))],
    )


def _version(url: str, published: str, title: str, **fields) -> SourceVersion:
    return SourceVersion(
        url=url,
        content_hash=f"sha-{published}",
        fetched_at=f"{published}T08:00:00Z",
        title=title,
        published=published,
        **fields,
    )


def _documents() -> list[tuple[SourceVersion, Extraction]]:
    """Return a 2021 plan, a 2022 notice that deletes the plan's sentence on
    HAIDA, and a 2024 list that still names HAIDA with its technology and
    expert."""
    haida_plan = _entity(FIRM, HAIDA, PLAN_SENTENCE, industries=[AQUACULTURE], region="荣成市")
    sdu = _entity(INSTITUTE, SDU, PLAN_SENTENCE)
    lanjing = _entity(
        FIRM, LANJING, f"{LANJING}研发海藻基海洋生态新材料。", industries=[MATERIALS], region="文登区"
    )
    plan = (
        _version(
            PLAN_URL,
            "2021-06-01",
            "威海市蓝碳经济发展行动方案",
            issuer="威海市人民政府办公室",
            document_number=PLAN_NUMBER,
        ),
        Extraction(
            entities=[haida_plan, sdu, lanjing],
            relations=[_relation(sdu, COOPERATES_WITH, haida_plan, PLAN_SENTENCE)],
            document=DocumentInfo(
                title="威海市蓝碳经济发展行动方案",
                issuer="威海市人民政府办公室",
                document_number=PLAN_NUMBER,
                published="2021-06-01",
            ),
            extractor_version="test-web",
        ),
    )

    deleted = _entity(FIRM, HAIDA, f"删去“{HAIDA}”。", status=REMOVED)
    amendment = (
        _version(AMENDMENT_URL, "2022-03-15", "关于修改蓝碳经济发展行动方案的通知", issuer="威海市人民政府办公室"),
        Extraction(
            entities=[deleted],
            document=DocumentInfo(title="关于修改蓝碳经济发展行动方案的通知", amends=[PLAN_NUMBER]),
            extractor_version="test-web",
        ),
    )

    haida = _entity(
        FIRM, HAIDA, LIST_SENTENCE, aliases=["海大水产"], industries=[AQUACULTURE], region="荣成市"
    )
    ship = _entity(TECHNOLOGY, SHIP, LIST_SENTENCE, industries=[AQUACULTURE])
    expert = _entity(PERSON, EXPERT, EXPERT_SENTENCE, role="首席专家", affiliation=HAIDA)
    qingdao = _entity(
        FIRM, QINGDAO, f"{QINGDAO}位于青岛，从事绿色水产养殖业。", industries=[AQUACULTURE], region="青岛"
    )
    listing = (
        _version(LIST_URL, "2024-06-30", "威海市海洋生态产业重点企业名录", issuer="威海市海洋发展局"),
        Extraction(
            entities=[haida, ship, expert, qingdao],
            relations=[
                _relation(haida, DEVELOPS, ship, LIST_SENTENCE),
                _relation(expert, AFFILIATED_WITH, haida, EXPERT_SENTENCE),
            ],
            document=DocumentInfo(title="威海市海洋生态产业重点企业名录", published="2024-06-30"),
            extractor_version="test-web",
        ),
    )
    return [plan, amendment, listing]


@pytest.fixture(scope="module")
def web_graph(graph_server):
    graph_server.write("MATCH (n) DETACH DELETE n", "empty the test graph")
    graph_server.migrate()
    for version, extraction in _documents():
        graph_server.load(version, extraction)
    graph_server.rank()
    return graph_server


# -- the app on 127.0.0.1 -----------------------------------------------------------


@contextlib.contextmanager
def _serve(app):
    """Run app with uvicorn in a thread on a free port of 127.0.0.1 and
    yield its base URL."""
    # ws="none": the page uses no websockets, and uvicorn's websockets
    # import is not needed.
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="none"))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped while starting"
        assert time.monotonic() < deadline, "uvicorn did not start within 15 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


@pytest.fixture(scope="module")
def base_url(web_graph, graph_settings):
    settings = dataclasses.replace(graph_settings, api_tokens={TOKEN_NAME: TOKEN})
    with _serve(create_app(web_graph, settings)) as url:
        yield url


@pytest.fixture(scope="module")
def locked_base_url(web_graph, graph_settings):
    """An app whose GraphQL reads need a bearer token."""
    settings = dataclasses.replace(
        graph_settings, api_tokens={TOKEN_NAME: TOKEN}, api_read_token_required=True
    )
    with _serve(create_app(web_graph, settings)) as url:
        yield url


# -- the routes, without a browser ----------------------------------------------------


def test_index_serves_page(base_url):
    response = httpx.get(base_url + "/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert '<main id="main"' in response.text
    assert "/static/app.js" in response.text


def test_static_scripts_served(base_url):
    for name in ("app.js", "gql.js", "data.js", "shortlist.js", "firm.js", "picture.js", "forcegraph.js", "app.css"):
        response = httpx.get(f"{base_url}/static/{name}")
        assert response.status_code == 200, name
        assert response.headers["cache-control"] == "no-cache", name


def test_page_loads_nothing_from_other_hosts():
    static = Path(__file__).resolve().parents[1] / "api" / "static"
    for path in static.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "https://" not in text, path.name
        assert "//cdn" not in text, path.name


def test_export_returns_workbook(base_url, tmp_path):
    response = httpx.get(base_url + "/export.xlsx", params={"industry": AQUACULTURE})
    assert response.status_code == 200
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert quote(AQUACULTURE) in disposition
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    sheet = load_workbook(path)[AQUACULTURE]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert HAIDA in names
    assert LANJING not in names
    evidence = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(LIST_SENTENCE in (text or "") for text in evidence)


def test_export_filters_local(base_url, tmp_path):
    response = httpx.get(base_url + "/export.xlsx", params={"industry": AQUACULTURE, "local": "false"})
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    names = [row[1] for row in load_workbook(path)[AQUACULTURE].iter_rows(min_row=2, values_only=True)]
    assert names == [QINGDAO]


def test_export_filters_score_range(base_url, web_graph, tmp_path):
    scores = sorted(c["score"] for c in web_graph.candidates(industry=AQUACULTURE))
    response = httpx.get(
        base_url + "/export.xlsx",
        params={"industry": AQUACULTURE, "minScore": scores[0] + 0.5, "maxScore": scores[-1]},
    )
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    kept = [row[3] for row in load_workbook(path)[AQUACULTURE].iter_rows(min_row=2, values_only=True)]
    assert kept == [s for s in sorted(scores, reverse=True) if s >= scores[0] + 0.5]


def test_export_filters_review_status(web_graph, graph_settings, tmp_path):
    api_reads.set_review(
        web_graph,
        firm_key=f"Firm:{QINGDAO}",
        industry_key="industry:15",
        status="REJECTED",
        note="非本地企业",
        author=TOKEN_NAME,
        at="2026-01-05T09:00:00Z",
    )
    client = TestClient(Starlette(routes=web_routes(web_graph, graph_settings)))
    response = client.get("/export.xlsx", params={"reviewStatus": "REJECTED"})
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    workbook = load_workbook(path)
    names = [
        row[1]
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert names == [QINGDAO]


def test_export_needs_token_when_reads_do(web_graph, graph_settings):
    settings = dataclasses.replace(
        graph_settings, api_tokens={TOKEN_NAME: TOKEN}, api_read_token_required=True
    )
    client = TestClient(Starlette(routes=web_routes(web_graph, settings)))
    assert client.get("/export.xlsx").status_code == 401
    wrong = client.get("/export.xlsx", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    assert "not valid" in wrong.text
    right = client.get("/export.xlsx", headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"industry": "造船业"}, "industry '造船业' is unknown"),
        ({"minScore": "ten"}, "minScore='ten' is not a number"),
        ({"maxScore": "nan"}, "maxScore='nan' is not a finite number"),
        ({"local": "yes"}, "local='yes' is invalid"),
        ({"reviewStatus": "DONE"}, "reviewStatus='DONE' is invalid"),
    ],
)
def test_export_rejects_invalid_filter(base_url, params, message):
    response = httpx.get(base_url + "/export.xlsx", params=params)
    assert response.status_code == 400
    assert message in response.text


# -- the page in Chromium ------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "chromium and chromedriver are not installed; install them with "
            "`apt-get install -y chromium chromium-driver` (.ci/run does)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser, base_url, request):
    """The browser on a fresh page; a failing test leaves a screenshot, the
    HTML and the browser log in test-artifacts/."""
    browser.get("about:blank")
    browser.delete_all_cookies()
    failed_before = request.session.testsfailed
    yield browser
    if request.session.testsfailed > failed_before:
        ARTIFACTS.mkdir(exist_ok=True)
        stem = ARTIFACTS / request.node.name.replace("/", "_")
        browser.save_screenshot(str(stem.with_suffix(".png")))
        stem.with_suffix(".html").write_text(browser.page_source, encoding="utf-8")
        log = "\n".join(f"{e['level']} {e['message']}" for e in browser.get_log("browser"))
        stem.with_suffix(".log").write_text(log, encoding="utf-8")


def _open(driver, url: str) -> None:
    """Load url (a full page load, so sessionStorage stays) and wait until
    the view has loaded."""
    driver.get(url)
    _wait_ready(driver)


def _wait_ready(driver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def ready(d):
        return d.find_element(By.ID, "main").get_attribute("data-state") in ("ready", "error")

    WebDriverWait(driver, WAIT_SECONDS).until(ready)
    main = driver.find_element(By.ID, "main")
    assert main.get_attribute("data-state") == "ready", main.text


def _wait_for(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(condition, message)


def _row_names(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#shortlist a.firm-link")]


def test_shortlist_lists_candidates(page, base_url):
    from selenium.webdriver.common.by import By

    _open(page, base_url + "/")
    names = _row_names(page)
    assert HAIDA in names
    assert LANJING in names
    assert QINGDAO in names
    info = page.find_element(By.ID, "page-info").text
    assert "共 3 个候选" in info
    row = page.find_element(By.CSS_SELECTOR, f'tr.candidate[data-firm="{HAIDA_KEY}"]')
    assert row.find_elements(By.CSS_SELECTOR, ".score-bar .segment")
    assert "本地企业" in row.text


def test_shortlist_filters_by_industry(page, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _open(page, base_url + "/")
    Select(page.find_element(By.ID, "filter-industry")).select_by_value(AQUACULTURE)
    _wait_for(page, lambda d: LANJING not in _row_names(d), "the industry filter did not apply")
    _wait_ready(page)
    names = _row_names(page)
    assert HAIDA in names
    assert QINGDAO in names
    assert LANJING not in names
    assert quote(AQUACULTURE) in page.current_url
    download = page.find_element(By.ID, "download").get_attribute("href")
    assert "industry=" + quote(AQUACULTURE) in download


def test_shortlist_filters_non_local(page, base_url):
    from selenium.webdriver.support.ui import Select
    from selenium.webdriver.common.by import By

    _open(page, base_url + "/#/list?industry=" + quote(AQUACULTURE))
    Select(page.find_element(By.ID, "filter-local")).select_by_value("false")
    _wait_for(page, lambda d: _row_names(d) == [QINGDAO], "the local filter did not apply")
    assert "非本地" in page.find_element(By.CSS_SELECTOR, "#shortlist tbody").text


def test_firm_page_shows_evidence(page, base_url):
    from selenium.webdriver.common.by import By

    _open(page, base_url + "/")
    page.find_element(By.LINK_TEXT, HAIDA).click()
    _wait_for(page, lambda d: d.find_elements(By.ID, "firm-name"), "the firm page did not open")
    _wait_ready(page)
    assert page.find_element(By.ID, "firm-name").text == HAIDA
    facts = page.find_element(By.CSS_SELECTOR, "dl.facts").text
    assert "海大水产" in facts
    assert "荣成市" in facts

    card = page.find_element(By.CSS_SELECTOR, f'.candidate-card[data-industry="{AQUACULTURE}"]')
    assert LIST_SENTENCE in card.text
    links = card.find_elements(By.CSS_SELECTOR, "a.version-link")
    assert LIST_URL in [link.get_attribute("href") for link in links]
    assert "威海市海洋生态产业重点企业名录" in [link.text for link in links]
    assert "2024-06-30" in card.text


def test_firm_page_shows_amendment(page, base_url):
    from selenium.webdriver.common.by import By

    _open(page, f"{base_url}/#/firm/{quote(HAIDA_KEY)}")
    removed = page.find_element(By.CSS_SELECTOR, "#mentions li.evidence.removed")
    assert PLAN_SENTENCE in removed.text
    assert "2021年版本提及，2022年修改通知删除" in removed.text
    assert "关于修改蓝碳经济发展行动方案的通知" in removed.text


def test_firm_page_lists_linked_entities(page, base_url):
    from selenium.webdriver.common.by import By

    _open(page, f"{base_url}/#/firm/{quote(HAIDA_KEY)}")
    groups = {
        group.get_attribute("data-type"): group.text
        for group in page.find_elements(By.CSS_SELECTOR, ".linked-group")
    }
    assert SDU in groups["Institute"]
    assert EXPERT in groups["Person"]
    assert SHIP in groups["Technology"]


def test_picture_draws_neighbourhood(page, base_url):
    from selenium.webdriver.common.by import By

    _open(page, f"{base_url}/#/firm/{quote(HAIDA_KEY)}")
    page.find_element(By.ID, "open-picture").click()
    _wait_for(page, lambda d: d.find_elements(By.CSS_SELECTOR, "svg.force-graph"), "no picture drawn")
    _wait_ready(page)
    _wait_for(
        page,
        lambda d: d.find_element(By.CSS_SELECTOR, "svg.force-graph").get_attribute("data-settled") == "true",
        "the layout did not settle",
    )
    nodes = page.find_elements(By.CSS_SELECTOR, "svg.force-graph g.node")
    keys = {node.get_attribute("data-key") for node in nodes}
    assert HAIDA_KEY in keys
    types = {node.get_attribute("data-type") for node in nodes}
    assert {"Firm", "Institute", "Person", "Technology", "Industry"} <= types
    assert page.find_elements(By.CSS_SELECTOR, "svg.force-graph line.edge")
    # Every node lies inside the drawing after the layout has settled.
    box = page.find_element(By.CSS_SELECTOR, "svg.force-graph").rect
    for node in nodes:
        rect = node.find_element(By.TAG_NAME, "circle").rect
        assert box["x"] <= rect["x"] <= box["x"] + box["width"], node.get_attribute("data-key")
        assert box["y"] <= rect["y"] <= box["y"] + box["height"], node.get_attribute("data-key")

    institute = next(n for n in nodes if n.get_attribute("data-type") == "Institute")
    institute.find_element(By.TAG_NAME, "circle").click()
    info = page.find_element(By.ID, "picture-info")
    _wait_for(page, lambda d: SDU in info.text, "clicking a node did not show it")

    page.find_element(By.ID, "depth-2").click()
    _wait_for(page, lambda d: "depth=2" in d.current_url, "depth 2 did not open")
    _wait_ready(page)
    assert page.find_elements(By.CSS_SELECTOR, "svg.force-graph g.node")


def test_chain_lists_technology_firms(page, base_url):
    from selenium.webdriver.common.by import By

    _open(page, f"{base_url}/#/chain?industry={quote(AQUACULTURE)}")
    row = page.find_element(By.CSS_SELECTOR, "#chain tr.chain-row")
    assert SHIP in row.text
    assert HAIDA in row.text


def test_review_needs_token(page, base_url):
    from selenium.webdriver.common.by import By

    _open(page, f"{base_url}/#/firm/{quote(HAIDA_KEY)}")
    page.execute_script("sessionStorage.clear()")
    card = page.find_element(By.CSS_SELECTOR, f'.candidate-card[data-industry="{AQUACULTURE}"]')
    card.find_element(By.CSS_SELECTOR, "button.review-save").click()
    message = card.find_element(By.CSS_SELECTOR, ".review-message")
    _wait_for(page, lambda d: "访问令牌" in message.text, "no sign-in message")


def test_review_rejects_wrong_token(page, base_url):
    from selenium.webdriver.common.by import By

    _open(page, f"{base_url}/#/firm/{quote(HAIDA_KEY)}")
    page.execute_script("sessionStorage.setItem('bluecarbon.token', 'wrong')")
    card = page.find_element(By.CSS_SELECTOR, f'.candidate-card[data-industry="{AQUACULTURE}"]')
    card.find_element(By.CSS_SELECTOR, "button.review-save").click()
    message = card.find_element(By.CSS_SELECTOR, ".review-message")
    _wait_for(page, lambda d: "令牌无效" in message.text, "no invalid-token message")
    page.execute_script("sessionStorage.clear()")


def test_review_marks_candidate(page, base_url, web_graph):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _open(page, f"{base_url}/#/firm/{quote(HAIDA_KEY)}")
    page.find_element(By.ID, "token").send_keys(TOKEN)
    page.find_element(By.ID, "signin-button").click()
    assert page.execute_script("return sessionStorage.getItem('bluecarbon.token')") == TOKEN

    card = page.find_element(By.CSS_SELECTOR, f'.candidate-card[data-industry="{AQUACULTURE}"]')
    Select(card.find_element(By.CSS_SELECTOR, "select.review-select")).select_by_value("SHORTLISTED")
    card.find_element(By.CSS_SELECTOR, "textarea").send_keys("推荐入围")
    card.find_element(By.CSS_SELECTOR, "button.review-save").click()

    def shown(d):
        cards = d.find_elements(By.CSS_SELECTOR, f'.candidate-card[data-industry="{AQUACULTURE}"] .review-details')
        return cards and "入围" in cards[0].text and TOKEN_NAME in cards[0].text

    _wait_for(page, shown, "the stored review is not shown")
    details = page.find_element(By.CSS_SELECTOR, f'.candidate-card[data-industry="{AQUACULTURE}"] .review-details')
    assert "推荐入围" in details.text

    rows = web_graph.read(
        "MATCH (r:Review) WHERE r.firm = $firm RETURN r.status AS status, r.author AS author, r.note AS note",
        firm=HAIDA_KEY,
    )
    assert rows == [{"status": "SHORTLISTED", "author": TOKEN_NAME, "note": "推荐入围"}]

    # The shortlist shows the review and filters by it.
    _open(page, base_url + "/#/list?reviewStatus=SHORTLISTED")
    assert _row_names(page) == [HAIDA]
    assert TOKEN_NAME in page.find_element(By.CSS_SELECTOR, "#shortlist td.review-cell").text
    page.execute_script("sessionStorage.clear()")


def test_download_workbook(page, base_url):
    from selenium.webdriver.common.by import By

    for old in page.downloads.iterdir():
        old.unlink()
    _open(page, base_url + "/#/list?industry=" + quote(AQUACULTURE))
    page.find_element(By.ID, "download").click()

    def finished(_):
        files = [p for p in page.downloads.iterdir() if p.suffix == ".xlsx"]
        return files[0] if files else None

    path = _wait_for(page, finished, "no workbook was downloaded")
    assert AQUACULTURE in path.name
    sheet = load_workbook(path)[AQUACULTURE]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert HAIDA in names
    assert QINGDAO in names
    assert sheet.cell(row=1, column=7).value == "证据 evidence"


def test_shortlist_row_review(page, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _open(page, base_url + "/#/list?industry=" + quote(MATERIALS))
    page.execute_script(f"sessionStorage.setItem('bluecarbon.token', '{TOKEN}')")
    row = page.find_element(By.CSS_SELECTOR, "#shortlist tr.candidate")
    row.find_element(By.CSS_SELECTOR, "button.review-toggle").click()
    form = page.find_element(By.CSS_SELECTOR, "#shortlist tr.review-row form")
    Select(form.find_element(By.CSS_SELECTOR, "select.review-select")).select_by_value("NEEDS_REVIEW")
    form.find_element(By.CSS_SELECTOR, "button.review-save").click()

    def shown(d):
        cells = d.find_elements(By.CSS_SELECTOR, "#shortlist td.review-cell")
        return cells and "待复核" in cells[0].text and TOKEN_NAME in cells[0].text

    _wait_for(page, shown, "the row does not show the stored review")
    page.execute_script("sessionStorage.clear()")


def test_locked_server_needs_sign_in(page, locked_base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page.get(locked_base_url + "/")
    WebDriverWait(page, WAIT_SECONDS).until(
        lambda d: d.find_element(By.ID, "main").get_attribute("data-state") == "error"
    )
    assert "访问令牌" in page.find_element(By.ID, "main").text
    page.find_element(By.ID, "token").send_keys(TOKEN)
    page.find_element(By.ID, "signin-button").click()
    _wait_for(page, lambda d: HAIDA in _row_names(d), "the shortlist did not load after sign-in")
    page.execute_script("sessionStorage.clear()")
