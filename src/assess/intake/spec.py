"""The input contract of the input contract (docs/reference/input.md) as data: sheets, columns, kinds, aliases, enumerations.

Everything that needs to know the shape of the office's workbook — intake, validation,
the blank template and the sample generator — reads it from here, so the contract is
written down exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Column", "Sheet", "SHEETS", "SHEET_ALIASES", "ID_PATTERN"]

#: IDs are text of 1 to 40 letters, digits, ``_``, ``.`` or ``-`` (the input contract (docs/reference/input.md)).
ID_PATTERN = r"^[A-Za-z0-9_.-]{1,40}$"


@dataclass(frozen=True)
class Column:
    """One column of an input sheet.

    ``kind`` is one of ``id``, ``text``, ``date``, ``month`` (``YYYY-MM``), ``quarter``
    (``YYYY-Qn``), ``number`` or ``enum``.  ``values`` maps each allowed enumeration value
    to its Chinese alias, which intake accepts too.
    """

    name: str
    kind: str
    required: bool
    zh: str
    en_help: str
    zh_help: str
    values: dict[str, str] = field(default_factory=dict)
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Sheet:
    """One input sheet: its columns, its key and whether the workbook must have it."""

    name: str
    zh: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    optional: bool = False

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _gid(help_en: str = "Working group ID (must exist in groups)") -> Column:
    return Column("group_id", "id", True, "工作组编号", help_en, "工作组编号（须在 groups 表中存在）")


def _rid(required: bool = True) -> Column:
    return Column(
        "recipient_id",
        "id",
        required,
        "服务对象编号",
        "Service recipient ID (must exist in recipients)",
        "服务对象编号（须在 recipients 表中存在）",
    )


SHEETS: dict[str, Sheet] = {
    s.name: s
    for s in (
        Sheet(
            "groups",
            "工作组",
            (
                Column(
                    "group_id",
                    "id",
                    True,
                    "工作组编号",
                    "Working group ID, unique; used as the report's file name",
                    "工作组编号，唯一；用作报告文件名",
                ),
                Column("name", "text", True, "工作组名称", "Name of the working group", "工作组名称"),
                Column("leader", "text", False, "组长", "Group leader", "组长"),
                Column("department_head", "text", False, "部门负责人", "Department head", "部门负责人"),
                Column("staff", "text", False, "专职人员", "Dedicated staff member", "专职工作人员"),
                Column("unit", "text", False, "牵头单位", "Lead unit", "牵头单位"),
            ),
            key=("group_id",),
        ),
        Sheet(
            "recipients",
            "服务对象",
            (
                Column(
                    "recipient_id", "id", True, "服务对象编号", "Service recipient ID, unique", "服务对象编号，唯一"
                ),
                Column("name", "text", True, "服务对象名称", "Name of the enterprise or project", "企业或项目名称"),
                Column(
                    "kind",
                    "enum",
                    True,
                    "类型",
                    "enterprise or project",
                    "企业 或 项目",
                    values={"enterprise": "企业", "project": "项目"},
                ),
                _gid("Working group the recipient is assigned to"),
            ),
            key=("recipient_id",),
        ),
        Sheet(
            "ledger",
            "月度台账",
            (
                _gid(),
                Column("month", "month", True, "月份", "Month of the ledger, YYYY-MM", "台账所属月份，格式 YYYY-MM"),
                Column("due_date", "date", True, "报送截止日期", "Date the ledger was due", "应报送日期"),
                Column(
                    "submitted_on",
                    "date",
                    False,
                    "报送日期",
                    "Date it was submitted; blank if never",
                    "实际报送日期；未报送留空",
                ),
                Column(
                    "completeness",
                    "number",
                    False,
                    "完整度",
                    "Completeness of the ledger, 0 to 1",
                    "台账完整度，0 至 1",
                    min=0.0,
                    max=1.0,
                ),
            ),
            key=("group_id", "month"),
        ),
        Sheet(
            "visits",
            "走访",
            (
                _gid(),
                _rid(),
                Column("date", "date", True, "走访日期", "Date of the visit", "走访日期"),
                Column(
                    "kind", "text", False, "走访方式", "Kind of visit (on site, phone, ...)", "走访方式（实地、电话等）"
                ),
                Column("note", "text", False, "备注", "Free note", "备注"),
            ),
        ),
        Sheet(
            "problems",
            "问题台账",
            (
                Column("problem_id", "id", True, "问题编号", "Problem ID, unique", "问题编号，唯一"),
                _gid(),
                _rid(required=False),
                Column("raised_on", "date", True, "提出日期", "Date the problem was raised", "问题提出日期"),
                Column("category", "text", False, "问题类别", "Category of the problem", "问题类别"),
                Column(
                    "priority",
                    "enum",
                    False,
                    "优先级",
                    "urgent, common or major",
                    "紧急、一般 或 重大",
                    values={"urgent": "紧急", "common": "一般", "major": "重大"},
                ),
                Column("responsible_unit", "text", False, "责任单位", "Responsible unit", "责任单位"),
                Column("responsible_person", "text", False, "责任人", "Responsible person", "责任人"),
                Column("deadline", "date", True, "办结时限", "Deadline for resolving it", "办结时限"),
                Column(
                    "status",
                    "enum",
                    True,
                    "办理状态",
                    "open or resolved",
                    "未办结 或 已办结",
                    values={"open": "未办结", "resolved": "已办结"},
                ),
                Column(
                    "resolved_on",
                    "date",
                    False,
                    "办结日期",
                    "Date resolved; set if and only if status is resolved",
                    "办结日期；仅当状态为已办结时填写",
                ),
            ),
            key=("problem_id",),
        ),
        Sheet(
            "milestones",
            "项目节点",
            (
                _rid(),
                _gid(),
                Column("milestone", "text", True, "项目节点", "What the milestone is", "节点内容"),
                Column("planned_date", "date", True, "计划完成日期", "Date it is planned for", "计划完成日期"),
                Column(
                    "completed_on",
                    "date",
                    False,
                    "实际完成日期",
                    "Date it was completed; blank if not yet",
                    "实际完成日期；未完成留空",
                ),
                Column(
                    "investment_planned",
                    "number",
                    False,
                    "计划投资",
                    "Investment planned (any currency unit, ≥ 0)",
                    "计划投资额（≥ 0）",
                    min=0.0,
                ),
                Column(
                    "investment_completed",
                    "number",
                    False,
                    "完成投资",
                    "Investment completed (same unit, ≥ 0)",
                    "完成投资额（≥ 0）",
                    min=0.0,
                ),
            ),
        ),
        Sheet(
            "ratings",
            "服务对象评价",
            (
                Column("quarter", "quarter", True, "季度", "Quarter rated, YYYY-Qn", "评价季度，格式 YYYY-Qn"),
                _rid(),
                _gid(),
                Column(
                    "item",
                    "text",
                    False,
                    "评价项目",
                    "Item rated (attitude, efficiency, ...)",
                    "评价项目（服务态度、办事效率等）",
                ),
                Column(
                    "score",
                    "number",
                    True,
                    "评分",
                    "Score on the scheme's scale (default 1 to 5)",
                    "评分（默认 1 至 5 分）",
                ),
                Column("comment", "text", False, "意见建议", "Recipient's comment", "服务对象的意见建议"),
            ),
        ),
        Sheet(
            "adjustments",
            "加扣分",
            (
                _gid(),
                Column("date", "date", True, "日期", "Date of the decision", "认定日期"),
                Column(
                    "kind",
                    "enum",
                    True,
                    "类型",
                    "bonus, deduction or veto",
                    "加分、扣分 或 一票否决",
                    values={"bonus": "加分", "deduction": "扣分", "veto": "一票否决"},
                ),
                Column(
                    "points",
                    "number",
                    False,
                    "分值",
                    "Points (≥ 0); a veto needs none",
                    "分值（≥ 0）；一票否决无需分值",
                    min=0.0,
                ),
                Column("reason", "text", True, "事由", "Reason for the adjustment", "加扣分事由"),
            ),
            optional=True,
        ),
        Sheet(
            "indicators",
            "自定义指标",
            (
                _gid(),
                Column(
                    "indicator",
                    "id",
                    True,
                    "指标",
                    "Name of an indicator the office computes itself, as the scheme names it",
                    "考核办自行计算的指标名称（与考核方案中的名称一致）",
                ),
                Column(
                    "value", "number", True, "指标值", "The group's raw value of that indicator", "该工作组的指标原始值"
                ),
            ),
            key=("group_id", "indicator"),
            optional=True,
        ),
    )
}

#: Chinese sheet names accepted as aliases of the English ones.
SHEET_ALIASES: dict[str, str] = {s.zh: s.name for s in SHEETS.values()}
