"""Amendment clauses: balanced quotes, nested quotes, deleted spans."""

from nlp.document import find_amendments, read_document_info

NESTED = (
    "1.将第二条第三项“（三）支持“蓝色粮仓”建设，依托威海甲水产有限公司，"
    "推广“海带—鲍鱼”混养模式。”修改为“（三）支持“蓝色粮仓”建设，推广“海带—鲍鱼”混养模式。”。"
)


def test_nested_quotes_balanced():
    amendments = find_amendments(NESTED)
    assert len(amendments.deleted) == 1
    assert len(amendments.inserted) == 1
    start, end = amendments.deleted[0]
    assert NESTED[start:end] == (
        "（三）支持“蓝色粮仓”建设，依托威海甲水产有限公司，推广“海带—鲍鱼”混养模式。"
    )
    new_start, new_end = amendments.inserted[0]
    assert NESTED[new_start:new_end] == "（三）支持“蓝色粮仓”建设，推广“海带—鲍鱼”混养模式。"


def test_firm_in_old_text_is_deleted():
    amendments = find_amendments(NESTED)
    position = NESTED.index("威海甲水产有限公司")
    assert amendments.is_deleted(position, position + len("威海甲水产有限公司"))
    after = NESTED.index("修改为")
    assert not amendments.is_deleted(after, after + 3)


def test_unbalanced_quote_ignored():
    text = "将第一条“依托威海乙科技有限公司，建设“海洋牧场修改为“建设海洋牧场”。"
    assert find_amendments(text).deleted == []


def test_deletion_clause():
    text = "2.将第四条第二项“支持威海丙海洋装备有限公司发展水下机器人。”删除。"
    amendments = find_amendments(text)
    start, end = amendments.deleted[0]
    assert text[start:end] == "支持威海丙海洋装备有限公司发展水下机器人。"


def test_repealed_number_read():
    text = (
        "威海市人民政府办公室关于修改某方案的通知\n"
        "《关于印发某方案的通知》（威政办字〔2020〕9号）自本通知公布之日起废止。"
    )
    assert read_document_info(text).repeals == ["威政办字〔2020〕9号"]
