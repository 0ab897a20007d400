"""A hand-built three-group workbook for the in-year monitoring tests: problems raised,
resolved and overdue across month ends, ledgers late, missing and filed after the month, a
deadline on the month's last day. Its counts are worked out by hand in
tests/analysis/test_monitor_counts.py."""

from __future__ import annotations

PROBLEM_HEADER = [
    "problem_id", "group_id", "recipient_id", "raised_on", "category", "priority", "responsible_unit",
    "responsible_person", "deadline", "status", "resolved_on",
]  # fmt: skip


def sheets() -> dict[str, list[list]]:
    return {
        "groups": [["group_id", "name"], ["G1", "第一工作组"], ["G2", "第二工作组"], ["G3", "第三工作组"]],
        "recipients": [
            ["recipient_id", "name", "kind", "group_id"],
            ["E1", "京阳物流", "enterprise", "G1"],
            ["P1", "雙橋三路", "project", "G1"],
            ["E2", "长重机械", "enterprise", "G2"],
            ["E3", "湘妮机械", "enterprise", "G3"],
        ],
        "ledger": [
            ["group_id", "month", "due_date", "submitted_on", "completeness"],
            ["G1", "2025-03", "2025-03-25", "2025-03-20", 0.9],
            ["G2", "2025-03", "2025-03-25", "2025-03-20", 0.9],
            ["G3", "2025-03", "2025-03-25", "2025-03-20", 0.9],
            ["G1", "2025-04", "2025-04-25", "2025-04-20", 0.9],
            ["G2", "2025-04", "2025-04-25", "2025-04-30", 0.7],  # late 5 days
            ["G3", "2025-04", "2025-04-25", "2025-04-22", 0.9],
            ["G1", "2025-05", "2025-05-25", "2025-05-24", 0.9],
            # G2 has no May row: missing
            ["G3", "2025-05", "2025-05-25", "2025-06-10", 0.6],  # filed after May's end: missing in May, late in June
            ["G1", "2025-06", "2025-06-25", "2025-06-25", 1.0],  # on the due date: on time
            ["G2", "2025-06", "2025-06-25", "2025-06-28", 0.8],  # late 3 days
            ["G3", "2025-06", "2025-06-25", "2025-07-03", 0.7],  # filed in July: missing at 30 June
        ],
        "visits": [
            ["group_id", "recipient_id", "date", "kind", "note"],
            ["G1", "P1", "2025-05-10", "实地走访", ""],
            ["G1", "E1", "2025-06-03", "实地走访", ""],
            ["G2", "E2", "2025-06-30", "电话", ""],
            ["G3", "E3", "2025-07-01", "实地走访", ""],
        ],
        "problems": [
            PROBLEM_HEADER,
            [
                "Q01",
                "G1",
                "E1",
                "2025-01-10",
                "用地报批",
                "urgent",
                "县自然资源局",
                "王一",
                "2025-02-10",
                "resolved",
                "2025-02-05",
            ],
            [
                "Q02",
                "G1",
                "E1",
                "2025-05-20",
                "征地拆迁",
                "common",
                "县征拆办",
                "李二",
                "2025-06-10",
                "resolved",
                "2025-07-05",
            ],
            ["Q03", "G1", "P1", "2025-06-05", "融资", "major", "县金融办", "张三", "2025-06-30", "open", None],
            [
                "Q04",
                "G2",
                "E2",
                "2025-04-01",
                "审批手续",
                "urgent",
                "县行政审批局",
                "赵四",
                "2025-05-01",
                "resolved",
                "2025-06-15",
            ],
            ["Q05", "G2", "E2", "2025-06-20", "水电配套", "common", "县供电公司", "钱五", "2025-08-15", "open", None],
            ["Q06", "G3", "E3", "2025-02-01", "用工", "common", "县人社局", "孙六", "2025-03-01", "open", None],
            ["Q07", "G3", "E3", "2025-07-02", "用工", "common", "县人社局", "孙六", "2025-07-20", "open", None],
            ["Q08", "G1", "E1", "2024-11-01", "用地报批", "common", "县自然资源局", "王一", "2024-12-01", "open", None],
        ],  # fmt: skip
        "milestones": [
            [
                "recipient_id",
                "group_id",
                "milestone",
                "planned_date",
                "completed_on",
                "investment_planned",
                "investment_completed",
            ],
            ["P1", "G1", "土方平整", "2025-06-15", "2025-06-10", 100, 80],
            ["P1", "G1", "主体工程", "2025-06-30", "2025-07-10", 200, 50],  # completed after June: not done at 30 June
            ["P1", "G1", "配套设施", "2025-07-20", None, 50, 0],  # due next month
            ["P1", "G1", "竣工", "2025-07-05", "2025-06-28", 0, 0],  # done early: not due next month
            ["P1", "G1", "前期手续", "2025-03-31", "2025-03-20", 0, 0],
        ],  # fmt: skip
        "ratings": [
            ["quarter", "recipient_id", "group_id", "item", "score", "comment"],
            ["2025-Q1", "E1", "G1", "服务态度", 4, ""],
            ["2025-Q2", "E1", "G1", "服务态度", 5, "很好"],
            ["2025-Q2", "E1", "G1", "办事效率", 3, ""],
            ["2025-Q2", "P1", "G1", "服务态度", 4, "<script>alert(1)</script>"],
            ["2025-Q2", "E2", "G2", "服务态度", 2, "问题久拖未决"],
        ],
    }
