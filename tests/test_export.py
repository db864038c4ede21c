"""Candidate exports carry the same facts in every format."""

import csv
import io
import json

from openpyxl import load_workbook

from bluecarbon import export

CANDIDATES = [
    {
        "name": "威海海澜生物科技有限公司",
        "industry": "绿色水产养殖业",
        "region": "威海",
        "score": 12.5,
        "factors": [
            {
                "name": "industry_relevance",
                "points": 10.0,
                "evidence": [
                    {
                        "document": "http://127.0.0.1/a.html",
                        "version": "abc123",
                        "sentence": "海澜生物建设海带养殖基地。",
                    }
                ],
            },
            {"name": "local_presence", "points": 2.5, "evidence": []},
        ],
        "flags": [],
    },
    {
        "name": "青岛蓝海装备有限公司",
        "industry": "海洋监测探测装备产业",
        "region": "青岛",
        "score": 3.0,
        "factors": [{"name": "industry_relevance", "points": 3.0, "evidence": []}],
        "flags": ["non-local"],
    },
]


def test_json_round_trips():
    assert json.loads(export.to_json(CANDIDATES)) == CANDIDATES


def test_csv_has_row_per_candidate():
    rows = list(csv.reader(io.StringIO(export.to_csv(CANDIDATES))))
    assert rows[0] == list(export.CSV_COLUMNS)
    assert len(rows) == 3
    assert rows[1][:5] == ["绿色水产养殖业", "1", "威海海澜生物科技有限公司", "威海", "12.5"]
    assert rows[1][5] == "industry_relevance=10; local_presence=2.5"
    assert "海澜生物建设海带养殖基地。" in rows[1][7]
    assert rows[2][6] == "non-local"


def test_table_lists_all_industries():
    table = export.to_table(CANDIDATES)
    assert "== 绿色水产养殖业 ==" in table
    assert "== 海洋生态服务业 ==" in table
    assert "[non-local]" in table
    assert "海澜生物建设海带养殖基地。" in table


def test_xlsx_sheet_per_industry(tmp_path):
    path = export.write_xlsx(CANDIDATES, tmp_path / "out.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames[:2] == ["绿色水产养殖业", "海洋废弃物高值化利用产业"]
    assert len(workbook.sheetnames) == 6
    sheet = workbook["绿色水产养殖业"]
    assert sheet["B2"].value == "威海海澜生物科技有限公司"
    assert sheet["D2"].value == 12.5
    assert "海澜生物建设海带养殖基地。" in sheet["G2"].value
    assert sheet.column_dimensions["G"].width == 100
    assert sheet["B3"].value is None


def test_table_limited_to_industries():
    table = export.to_table(CANDIDATES, industries=["绿色水产养殖业"])
    assert "== 绿色水产养殖业 ==" in table
    assert "海洋生态服务业" not in table


def test_xlsx_limited_to_industries(tmp_path):
    path = export.write_xlsx(CANDIDATES, tmp_path / "one.xlsx", industries=["绿色水产养殖业"])
    assert load_workbook(path).sheetnames == ["绿色水产养殖业"]


def test_flag_order_explained_in_table_and_xlsx(tmp_path):
    table = export.to_table(CANDIDATES)
    assert table.rstrip().endswith(export.FLAGGED_NOTE)
    assert export.FLAGGED_NOTE not in export.to_table(CANDIDATES[:1])

    workbook = load_workbook(export.write_xlsx(CANDIDATES, tmp_path / "c.xlsx"))
    note = workbook["海洋监测探测装备产业"]["F1"].comment.text
    assert note == f"{export.FLAGGED_NOTE_ZH}\n{export.FLAGGED_NOTE}"
