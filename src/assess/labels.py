"""Every fixed word of the reports and the index, in English (``en``) and Chinese (``zh``).

Labels that the scheme defines (components, grades) come from the scheme; everything else
is here, so that ``--lang zh`` switches every label and a missing translation is a test
failure rather than a stray English word (``tests/test_reports.py`` checks both tables
have the same keys).
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from assess.result import Result

__all__ = [
    "LANGS",
    "MISSING",
    "check_lang",
    "text",
    "has_text",
    "indicator_label",
    "translate_note",
    "component_labels",
    "grade_label",
    "flag_labels",
    "is_missing",
    "display_text",
    "format_score",
    "format_number",
    "format_percent",
    "format_signed",
]

#: How a missing value is shown.
MISSING = "—"

#: Languages a report can be written in.
LANGS = ("en", "zh")

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        # header and summary
        "title": "Year-end assessment {year}",
        "report_title": "Assessment report {year}",
        "group": "Group",
        "group_id": "Group ID",
        "name": "Name",
        "leader": "Leader",
        "department_head": "Department head",
        "staff": "Staff",
        "unit": "Unit",
        "members": "Members",
        "recipients": "Service recipients",
        "recipients_count": "{enterprises} enterprise(s), {projects} project(s)",
        "year": "Year",
        "as_of": "Assessment date",
        "final_score": "Final score",
        "grade": "Grade",
        "rank": "Rank",
        "rank_of": "{rank} of {n}",
        "base_score": "Base score",
        "bonus": "Bonus",
        "deduction": "Deduction",
        "flags": "Notes",
        "ungraded": "Ungraded",
        "change": "Change from last year",
        "change_text": "{change} (last year {previous})",
        "change_new": "new this year",
        "change_none": "no score last year",
        "rank_change": "Rank last year",
        "grade_change": "Grade last year",
        "score": "Score",
        "points_unit": "points",
        "summary": "Summary",
        "components": "Components against all groups",
        "components_note": (
            "Each dot is one group; the grey band holds the middle half of the groups, "
            "the black bar is the median and the red diamond is this group."
        ),
        "distribution": "Final scores of all groups",
        # indicators
        "indicators": "Indicators",
        "indicator": "Indicator",
        "component": "Component",
        "raw": "Raw value",
        "normalized": "Normalised (0–100)",
        "weight": "Weight",
        "effective_weight": "Effective weight",
        "points": "Points",
        "total": "Total (base score)",
        "indicators_note": (
            "Points = normalised score × effective weight (the indicator's weight within its component "
            "times the component's weight, renormalised over what the group has); they add up to the base score."
        ),
        "strongest": "Strongest",
        "weakest": "Weakest",
        "vs_median_above": "{label}: {value}, {diff} points above the median group",
        "vs_median_below": "{label}: {value}, {diff} points below the median group",
        "none_above": "No indicator is above the median group.",
        "none_below": "No indicator is below the median group.",
        # ratings
        "ratings": "Service-recipient ratings",
        "quarter": "Quarter",
        "rating_mean": "Mean rating (0–100)",
        "rating_chart_group": "This group ({group_id})",
        "rating_chart_spread": "All groups: range",
        "rating_chart_middle": "All groups: middle half",
        "rating_chart_median": "All groups: median",
        "responses": "Responses",
        "raters": "Recipients who rated",
        "response_rate": "Response rate",
        "response_rate_value": "{rate} ({responses} of {possible} recipient-quarters)",
        "rating_score": "Rating score (shrunk toward the mean of all groups)",
        "reliability": "Reliability",
        "reliability_value": "ICC(1) {icc} · Krippendorff's alpha {alpha} (all groups, {responses} responses)",
        "leniency": "Rater leniency",
        "leniency_applied": "corrected: {note}",
        "leniency_not_applied": "not corrected: {note}",
        "comments": "Recipients' comments",
        "recipient": "Recipient",
        "comment": "Comment",
        "no_comments": "No comments.",
        "no_ratings": "No ratings in the assessment year.",
        # problems
        "problems": "Problem ledger",
        "problems_note": "Problems raised in {year} up to the assessment date, with their status at that date.",
        "status": "Status",
        "priority": "Priority",
        "status.open": "Open",
        "status.resolved": "Resolved",
        "priority.urgent": "Urgent",
        "priority.major": "Major",
        "priority.common": "Common",
        "priority.none": "Not set",
        "all": "All",
        "overdue": "Overdue at the assessment date",
        "overdue_note": "Problems raised on or before the assessment date whose deadline had passed and that were still open.",
        "no_overdue": "No problem was overdue at the assessment date.",
        "problem_id": "Problem",
        "category": "Category",
        "raised_on": "Raised on",
        "deadline": "Deadline",
        "responsible_unit": "Responsible unit",
        "responsible_person": "Responsible person",
        "days_overdue": "Days overdue",
        "time_to_resolve": "Time to resolve",
        "time_to_resolve_value": "median {median} days, mean {mean}, longest {max} ({n} resolved); all groups' median {all}",
        "resolved_on_time": "Resolved by the deadline",
        "resolved_on_time_value": "{on_time} of {due} problems due by the assessment date",
        "no_problems": "No problems were raised in the assessment year.",
        "days": "days",
        # milestones
        "milestones": "Project milestones and investment",
        "milestones_note": "Milestones planned in {year} up to the assessment date.",
        "milestone": "Milestone",
        "planned_date": "Planned",
        "completed_on": "Completed",
        "on_time_status": "On time?",
        "milestone.on_time": "On time",
        "milestone.late": "Late",
        "milestone.not_done": "Not completed",
        "investment_planned": "Investment planned",
        "investment_completed": "Investment completed",
        "investment": "Investment",
        "investment_value": "{completed} of {planned} completed ({share})",
        "milestones_on_time": "Milestones on time",
        "milestones_on_time_value": "{on_time} of {n}",
        "no_milestones": "No milestones were planned in the assessment year.",
        # adjustments
        "adjustments": "Bonuses, deductions and vetoes",
        "date": "Date",
        "kind": "Kind",
        "reason": "Reason",
        "kind.bonus": "Bonus",
        "kind.deduction": "Deduction",
        "kind.veto": "Veto",
        "adjustments_applied": "Applied to the score: bonus {bonus} (cap {bonus_cap}), deduction {deduction} (cap {deduction_cap}).",
        "veto_applied": "A veto forces the lowest grade whatever the score.",
        "no_adjustments": "No bonus, deduction or veto in the assessment year.",
        # uncertainty
        "uncertainty": "How sure is this grade?",
        "uncertainty_index": "How sure are the grades? Rank intervals and grade probabilities",
        "uncertainty_note": "Over {draws} plausible variations of the scoring choices (weights, aggregation, the ratings sample) each group was scored again in full, quotas included.",
        "uncertainty_alt": "Rank interval and grade probabilities",
        # data quality
        "quality": "Data-quality notes",
        "quality.none": "No data-quality issue found.",
        "quality.insufficient_data": (
            "Insufficient data: {components} could not be scored (too few indicators with a value), "
            "so the group is not graded."
        ),
        "quality.missing_indicators": "Indicators without a value (left out, the others' weights renormalised): {indicators}.",
        "quality.ledger_missing": "Monthly ledger not submitted by the assessment date for {n} month(s): {months}.",
        "quality.ledger_late": "Monthly ledger submitted after its due date for {n} month(s): {months}.",
        "quality.few_raters": (
            "Rated by {raters} recipient(s) only (at least {min} wanted): the rating score leans on the mean of all groups."
        ),
        "quality.straight_lining": "{n} recipient(s) gave the same score to every item in every quarter.",
        "quality.quota_demoted": "Met the threshold of a higher grade but not its quota.",
        "quality.veto": "Veto: lowest grade whatever the score. Reason: {reasons}.",
        "quality.no_recipients": "No service recipients are assigned to this group.",
        # flags (short form)
        "flag.insufficient_data": "Insufficient data: not graded",
        "flag.veto": "Veto: lowest grade",
        "flag.quota_demoted": "Demoted by the grade quota",
        # provenance
        "provenance": "Provenance",
        "input_file": "Input file",
        "input_sha256": "Input SHA-256",
        "scheme_sha256": "Scheme SHA-256",
        "scheme_name": "Scheme",
        "version": "assess version",
        "git_commit": "Source commit",
        "generated_at": "Generated at",
        "not_in_git": "not from a git checkout",
        # figures
        "groups_count": "Groups",
        "all_groups": "All groups",
        "median": "Median",
        "quartiles": "Middle half",
        "this_group": "This group ({group_id})",
        "no_score": "no score",
        # index
        "index_title": "Year-end assessment {year}: all groups",
        "index_summary": "{n} groups · assessment date {as_of} · reports: {ok} written, {failed} failed",
        "groups": "Groups",
        "sort_hint": "Click a column header to sort.",
        "report": "Report",
        "grade_counts": "Groups per grade: {counts}",
        "failed_reports": "Failed reports",
        "error": "Error",
        "report_failed": "report failed",
        "not_rendered": "no report",
        "distribution_alt": "Histogram of final scores with grade thresholds",
        "components_alt": "Component scores of this group against all groups",
        "ratings_alt": "Mean rating by quarter of this group against all groups",
    },
    "zh": {
        "title": "{year}年度年终考核",
        "report_title": "{year}年度考核报告",
        "group": "工作组",
        "group_id": "工作组编号",
        "name": "名称",
        "leader": "组长",
        "department_head": "部门负责人",
        "staff": "专职人员",
        "unit": "单位",
        "members": "成员",
        "recipients": "服务对象",
        "recipients_count": "企业{enterprises}家，项目{projects}个",
        "year": "年度",
        "as_of": "考核日期",
        "final_score": "最终得分",
        "grade": "等次",
        "rank": "排名",
        "rank_of": "第{rank}名（共{n}个）",
        "base_score": "基础得分",
        "bonus": "加分",
        "deduction": "扣分",
        "flags": "备注",
        "ungraded": "未评定等次",
        "change": "较上年变化",
        "change_text": "{change}（上年{previous}）",
        "change_new": "本年新设",
        "change_none": "上年无得分",
        "rank_change": "上年排名",
        "grade_change": "上年等次",
        "score": "得分",
        "points_unit": "分",
        "summary": "考核结果",
        "components": "各部分得分与全部工作组比较",
        "components_note": "每个圆点代表一个工作组；灰色区间为中间50%的工作组，黑色竖线为中位数，红色菱形为本组。",
        "distribution": "全部工作组最终得分分布",
        "indicators": "指标明细",
        "indicator": "指标",
        "component": "考核部分",
        "raw": "原始值",
        "normalized": "标准化得分（0–100）",
        "weight": "权重",
        "effective_weight": "实际权重",
        "points": "得分贡献",
        "total": "合计（基础得分）",
        "indicators_note": "得分贡献 = 标准化得分 × 实际权重（指标在本部分内的权重乘以该部分权重，按本组有数据的指标重新分配）；各项之和即基础得分。",
        "strongest": "优势指标",
        "weakest": "薄弱指标",
        "vs_median_above": "{label}：{value}分，高于中位数工作组{diff}分",
        "vs_median_below": "{label}：{value}分，低于中位数工作组{diff}分",
        "none_above": "没有指标高于中位数工作组。",
        "none_below": "没有指标低于中位数工作组。",
        "ratings": "服务对象评价",
        "quarter": "季度",
        "rating_mean": "平均评价（0–100）",
        "rating_chart_group": "本组（{group_id}）",
        "rating_chart_spread": "全部工作组：范围",
        "rating_chart_middle": "全部工作组：中间50%",
        "rating_chart_median": "全部工作组：中位数",
        "responses": "评价份数",
        "raters": "参与评价的服务对象",
        "response_rate": "评价参与率",
        "response_rate_value": "{rate}（{possible}个服务对象季度中{responses}个有评价）",
        "rating_score": "评价得分（向全体平均值收缩）",
        "reliability": "评价信度",
        "reliability_value": "ICC(1) {icc} · Krippendorff α {alpha}（全部工作组，{responses}份评价）",
        "leniency": "评价宽严校正",
        "leniency_applied": "已校正：{note}",
        "leniency_not_applied": "未校正：{note}",
        "comments": "服务对象意见",
        "recipient": "服务对象",
        "comment": "意见",
        "no_comments": "无意见。",
        "no_ratings": "考核年度内无评价。",
        "problems": "问题台账",
        "problems_note": "{year}年内截至考核日期收集的问题及其在考核日期的办理状态。",
        "status": "办理状态",
        "priority": "优先级",
        "status.open": "未办结",
        "status.resolved": "已办结",
        "priority.urgent": "紧急",
        "priority.major": "重大",
        "priority.common": "一般",
        "priority.none": "未填写",
        "all": "合计",
        "overdue": "考核日期逾期未办结问题",
        "overdue_note": "考核日期前收集、已过办结时限且仍未办结的问题。",
        "no_overdue": "考核日期无逾期未办结问题。",
        "problem_id": "问题编号",
        "category": "类别",
        "raised_on": "收集日期",
        "deadline": "办结时限",
        "responsible_unit": "责任单位",
        "responsible_person": "责任人",
        "days_overdue": "逾期天数",
        "time_to_resolve": "办结用时",
        "time_to_resolve_value": "中位数{median}天，平均{mean}天，最长{max}天（已办结{n}个）；全部工作组中位数{all}天",
        "resolved_on_time": "按时办结",
        "resolved_on_time_value": "截至考核日期到期的{due}个问题中{on_time}个按时办结",
        "no_problems": "考核年度内未收集问题。",
        "days": "天",
        "milestones": "项目节点与投资",
        "milestones_note": "{year}年内截至考核日期计划完成的项目节点。",
        "milestone": "项目节点",
        "planned_date": "计划日期",
        "completed_on": "完成日期",
        "on_time_status": "是否按时",
        "milestone.on_time": "按时完成",
        "milestone.late": "逾期完成",
        "milestone.not_done": "未完成",
        "investment_planned": "计划投资",
        "investment_completed": "完成投资",
        "investment": "投资完成",
        "investment_value": "计划{planned}，完成{completed}（{share}）",
        "milestones_on_time": "节点按时完成",
        "milestones_on_time_value": "{n}个中{on_time}个",
        "no_milestones": "考核年度内无计划项目节点。",
        "adjustments": "加分、扣分与一票否决",
        "date": "日期",
        "kind": "类型",
        "reason": "事由",
        "kind.bonus": "加分",
        "kind.deduction": "扣分",
        "kind.veto": "一票否决",
        "adjustments_applied": "计入得分：加分{bonus}（上限{bonus_cap}），扣分{deduction}（上限{deduction_cap}）。",
        "veto_applied": "一票否决：无论得分高低，均评为最低等次。",
        "no_adjustments": "考核年度内无加分、扣分或一票否决。",
        "uncertainty": "等次的稳健性",
        "uncertainty_index": "等次有多稳健？排名区间与等次概率",
        "uncertainty_note": "在 {draws} 种合理的评分选择变化（权重、汇总方式、评价样本）下，每个工作组均按完整规则（含名额限制）重新评分。",
        "uncertainty_alt": "排名区间与等次概率",
        "quality": "数据质量说明",
        "quality.none": "未发现数据质量问题。",
        "quality.insufficient_data": "数据不足：{components}无法计算得分（有数据的指标不足），本组不评定等次。",
        "quality.missing_indicators": "以下指标无数据（不计入，其余指标权重重新分配）：{indicators}。",
        "quality.ledger_missing": "截至考核日期有{n}个月未报送月度台账：{months}。",
        "quality.ledger_late": "有{n}个月月度台账逾期报送：{months}。",
        "quality.few_raters": "仅{raters}个服务对象参与评价（应不少于{min}个），评价得分更多参考全体平均水平。",
        "quality.straight_lining": "{n}个服务对象在各季度对所有评价项目打分完全相同。",
        "quality.quota_demoted": "达到更高等次分数线，但受该等次名额比例限制未能评定。",
        "quality.veto": "一票否决：无论得分高低，均评为最低等次。事由：{reasons}。",
        "quality.no_recipients": "本组未分配服务对象。",
        "flag.insufficient_data": "数据不足：不评定等次",
        "flag.veto": "一票否决：最低等次",
        "flag.quota_demoted": "受等次名额限制降档",
        "provenance": "数据来源",
        "input_file": "输入文件",
        "input_sha256": "输入文件 SHA-256",
        "scheme_sha256": "考核方案 SHA-256",
        "scheme_name": "考核方案",
        "version": "assess 版本",
        "git_commit": "源代码提交",
        "generated_at": "生成时间",
        "not_in_git": "非 git 检出版本",
        "groups_count": "工作组数",
        "all_groups": "全部工作组",
        "median": "中位数",
        "quartiles": "中间50%",
        "this_group": "本组（{group_id}）",
        "no_score": "无得分",
        "index_title": "{year}年度年终考核：全部工作组",
        "index_summary": "共{n}个工作组 · 考核日期{as_of} · 报告：成功{ok}份，失败{failed}份",
        "groups": "工作组",
        "sort_hint": "点击列标题排序。",
        "report": "报告",
        "grade_counts": "各等次工作组数：{counts}",
        "failed_reports": "生成失败的报告",
        "error": "错误",
        "report_failed": "报告生成失败",
        "not_rendered": "无报告",
        "distribution_alt": "全部工作组最终得分直方图及等次分数线",
        "components_alt": "本组各部分得分与全部工作组比较",
        "ratings_alt": "本组各季度平均评价与全部工作组比较",
    },
}

_INDICATORS: dict[str, dict[str, str]] = {
    "ledger_on_time": {"en": "Monthly ledger on time", "zh": "月度台账按时报送率"},
    "ledger_completeness": {"en": "Ledger completeness", "zh": "月度台账完整度"},
    "visit_coverage": {"en": "Visit coverage", "zh": "走访覆盖率"},
    "visits_per_recipient": {"en": "Visits per recipient", "zh": "户均走访次数"},
    "problem_resolution": {"en": "Problems resolved", "zh": "问题办结率"},
    "problem_on_time": {"en": "Problems resolved on time", "zh": "问题按时办结率"},
    "problem_overdue_open": {"en": "Overdue open problems", "zh": "逾期未办结问题数"},
    "milestone_on_time": {"en": "Milestones on time", "zh": "项目节点按时完成率"},
    "investment_completion": {"en": "Investment completed", "zh": "投资完成率"},
    "rating_score": {"en": "Rating score", "zh": "服务对象评价得分"},
    "rating_response": {"en": "Rating response rate", "zh": "评价参与率"},
}

# ratings.leniency's reasons, in Chinese (the English text is the source of truth).
_NOTES_ZH: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^there are no ratings$"), "没有评价数据"),
    (
        re.compile(
            r"^each recipient rates only its own group, so rater leniency cannot be told apart from group quality$"
        ),
        "每个服务对象只评价本组，无法区分评价者宽严与工作组实际表现",
    ),
    (
        re.compile(
            r"^the recipient–group graph falls into (\d+) unconnected parts, so groups in different parts cannot be compared$"
        ),
        r"服务对象与工作组的评价关系分为\1个互不相连的部分，不同部分的工作组无法比较",
    ),
    (
        re.compile(r"^rater effects estimated from recipients who rate several groups$"),
        "根据评价多个工作组的服务对象估计评价者宽严",
    ),
]


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`, else raise ``ValueError``.

    Examples
    --------
    >>> check_lang("zh")
    'zh'
    """
    if lang not in LANGS:
        raise ValueError(f"Language {lang!r} is not supported. Use one of: {', '.join(LANGS)}.")
    return lang


def text(key: str, lang: str = "en", **values: Any) -> str:
    """A fixed label in ``lang``, with ``{placeholders}`` filled from ``values``.

    Examples
    --------
    >>> text("rank_of", "en", rank=2, n=4), text("rank_of", "zh", rank=2, n=4)
    ('2 of 4', '第2名（共4个）')
    """
    template = _TEXT[check_lang(lang)][key]
    return template.format(**values) if values else template


def has_text(key: str) -> bool:
    """Whether ``key`` is a known label."""
    return key in _TEXT["en"]


def indicator_label(name: str, lang: str = "en") -> str:
    """Display name of an indicator; the office's own indicators keep their name.

    Examples
    --------
    >>> indicator_label("visit_coverage", "zh"), indicator_label("my_own", "zh")
    ('走访覆盖率', 'my_own')
    """
    return _INDICATORS.get(name, {}).get(check_lang(lang), name)


def translate_note(note: str, lang: str = "en") -> str:
    """A note written by the scoring code (English) in ``lang``; unknown notes stay English."""
    if check_lang(lang) == "en":
        return note
    for pattern, replacement in _NOTES_ZH:
        if pattern.fullmatch(note):
            return pattern.sub(replacement, note)
    return note


def _label(entry: dict[str, Any] | None, name: str, lang: str) -> str:
    labels = (entry or {}).get("label") or {}
    return str(labels.get(lang) or labels.get("en") or name)


def component_labels(result: Result, lang: str = "en") -> dict[str, str]:
    """Component name → display label from the scheme, in the scheme's order.

    Without a scheme in ``result.meta`` the three components of DESIGN §3 keep their names.
    """
    check_lang(lang)
    components = (result.meta.get("scheme") or {}).get("components") or {}
    labels = {name: _label(entry, name, lang) for name, entry in components.items()}
    if not labels:
        labels = {name: name for name in ("daily_work", "effectiveness", "service_rating") if name in result.scores}
    return labels


def grade_label(result: Result, grade: Any, lang: str = "en") -> str:
    """Display label of a grade band name (from the scheme); no grade reads "Ungraded"."""
    if is_missing(grade) or str(grade) == "":
        return text("ungraded", lang)
    bands = ((result.meta.get("scheme") or {}).get("grades") or {}).get("bands") or []
    for band in bands:
        if band.get("name") == grade:
            return _label(band, str(grade), lang)
    return str(grade)


def flag_labels(flags: Any, lang: str = "en") -> str:
    """Readable form of a ``;``-separated ``flags`` string (``""`` if there are none)."""
    if is_missing(flags):
        return ""
    names = [f.strip() for f in str(flags).split(";") if f.strip()]
    known = _TEXT[check_lang(lang)]
    return ("; " if lang == "en" else "；").join(known.get(f"flag.{name}", name) for name in names)


def is_missing(value: Any) -> bool:
    """``None``, NaN, NaT and ``pd.NA`` are missing; list-like values are not."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def display_text(value: Any) -> str:
    """``value`` as (unescaped) display text; missing values become an em dash."""
    return MISSING if is_missing(value) else str(value)


def format_number(value: Any, decimals: int = 1, thousands: bool = False) -> str:
    """``value`` rounded half up (四舍五入) to ``decimals``; missing → em dash.

    The shortest decimal form of the float is rounded, so ``70.25`` shows as ``70.3``
    (``f"{70.25:.1f}"`` gives ``70.2``).

    Examples
    --------
    >>> format_number(1234.55, 1, thousands=True), format_number(2.0, 0)
    ('1,234.6', '2')
    """
    if is_missing(value):
        return MISSING
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.0"
    return f"{rounded:,}" if thousands else str(rounded)


def format_score(value: Any, decimals: int = 1) -> str:
    """A score for display: rounded half up to 1 decimal; missing → em dash.

    Examples
    --------
    >>> format_score(87.34), format_score(70.25), format_score(None)
    ('87.3', '70.3', '—')
    """
    return format_number(value, decimals)


def format_percent(share: Any, decimals: int = 1) -> str:
    """A share (0–1) as a percentage: ``0.875`` → ``87.5%``."""
    if is_missing(share):
        return MISSING
    return f"{format_number(float(Decimal(repr(float(share))) * 100), decimals)}%"


def format_signed(value: Any, decimals: int = 1) -> str:
    """A change with its sign: ``+3.2``, ``-1.0``, ``0.0``; missing → em dash."""
    if is_missing(value):
        return MISSING
    shown = format_number(abs(float(value)), decimals)
    if float(shown.replace(",", "")) == 0:
        return shown
    return ("+" if float(value) > 0 else "-") + shown
