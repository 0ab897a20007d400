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
    from assess.scoring.result import Result

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
    "quarter_label",
    "month_label",
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
        "unit": "Lead unit",
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
        "vs_median_above": "{label}: {value}, {diff} points above the median of all groups",
        "vs_median_below": "{label}: {value}, {diff} points below the median of all groups",
        "none_above": "No indicator is above the median of all groups.",
        "none_below": "No indicator is below the median of all groups.",
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
        "rating_score": "Rating score",
        "reliability": "Reliability",
        "reliability.high": "the groups' average ratings are consistent enough to compare: reliability {value}",
        "reliability.medium": "the groups' average ratings can be compared, with care where they are close: reliability {value}",
        "reliability.low": "the groups' average ratings are not consistent enough to tell close groups apart: reliability {value}",
        "reliability_note": (
            "Reliability is that of a group's mean rating, ICC(1,k) {icc1k}{estimated}; a single rating: ICC(1) {icc}; "
            "Krippendorff's alpha {alpha}; all groups, {responses} responses. A group rated by few recipients has its "
            "rating score drawn toward the mean of all groups, as if {k} average responses were added."
        ),
        "reliability_estimated": " (from ICC(1) by the Spearman–Brown formula)",
        "no_raters": "No service recipient rated this group in {year} (0 responses), so it has no rating score.",
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
        "web_page": "HTML",
        "uncertainty": "How sure is this grade?",
        "uncertainty_index": "How sure are the grades? Rank intervals and grade probabilities",
        "uncertainty_note": "Over {draws} plausible variations of the weights and of the evidence behind each indicator (how many months, problems, visits and ratings it rests on) each group was scored again in full, quotas included.",
        "uncertainty_alt": "Rank interval and grade probabilities",
        # data quality
        "quality": "Data-quality notes",
        "quality.none": "No data-quality issue found.",
        "quality.insufficient_data": "Insufficient data: {components} could not be scored ({missing}), so the group is not graded.",
        "quality.missing_indicators": "Indicators without a value (left out, the others' weights renormalised): {indicators}.",
        "quality.ledger_missing": "Monthly ledger not submitted by the assessment date for {n} month(s): {months}.",
        "quality.ledger_late": "Monthly ledger submitted after its due date for {n} month(s): {months}.",
        "quality.few_raters": (
            "Rated by {raters} recipient(s) only (at least {min} wanted): the rating score leans on the mean of all groups."
        ),
        "quality.straight_lining": "{n} recipient(s) gave the same score to every item in every quarter.",
        "quality.no_recipients": "No service recipients are assigned to this group.",
        # flags (short form)
        "flag.insufficient_data": "Insufficient data: not graded",
        "flag.veto": "Veto: lowest grade",
        "flag.quota_demoted": "Demoted by the grade quota",
        # standing, in the result card
        "not_ranked.veto": "not ranked — veto",
        "not_ranked.insufficient_data": "not ranked — insufficient data",
        "partial_score": "{score} (partial)",
        "partial_note": "Partial score: built from the components the group has; the group is not graded.",
        "card.veto": "Veto: the lowest grade whatever the score, and no rank. Reason: {reasons}.",
        "card.quota": (
            "Met the threshold of “{band}”, but its quota is {cap} group(s) ({share} of the graded groups) "
            "and this group came {position} of the {met} that met it: graded “{grade}”."
        ),
        "card.insufficient_data": "Not graded and not ranked: {components} could not be scored — {missing}.",
        "missing.ledger": "no monthly ledger in {year}",
        "missing.recipients": "no service recipients assigned",
        "missing.problems": "no problems raised in {year}",
        "missing.problems_due": "no problem due by the assessment date",
        "missing.milestones": "no project milestones planned in {year}",
        "missing.investment": "no investment planned in {year}",
        "missing.ratings": "no ratings in {year}",
        "missing.indicator": "no value for {indicator}",
        # what to improve
        "improve": "What to improve",
        "improve.overdue": (
            "{n} problem(s) overdue and still open at the assessment date, the longest by {longest} days: "
            "{problem_id} ({category}, {unit}). Settle them with the responsible units and report back."
        ),
        "improve.weak": "{indicator}: {value} points against {median} for the median of all groups, {lost} points of the base score lost. {advice}",
        "improve.ledger_missing": "Monthly ledger not submitted for {n} month(s) ({months}): submit them and file every month.",
        "improve.ledger_late": "Monthly ledger submitted late for {n} month(s) ({months}): file it by the due date.",
        "improve.milestones_open": "{n} of {of} project milestones due by the assessment date not completed: speed up the work behind them.",
        "improve.none": "No indicator falls clearly below the median of all groups, and nothing is overdue or missing.",
        "improve_note": "Drawn by fixed rules from the numbers of this report: overdue problems, the indicators that cost most points against the median of all groups, ledgers and milestones.",
        "advice.ledger_on_time": "File the monthly ledger by its due date.",
        "advice.ledger_completeness": "Fill in every item of the monthly ledger.",
        "advice.visit_coverage": "Visit every assigned recipient each quarter.",
        "advice.visits_per_recipient": "Visit the recipients more often.",
        "advice.problem_resolution": "Follow up on the open problems until they are resolved.",
        "advice.problem_on_time": "Track each problem against its deadline and resolve it in time.",
        "advice.problem_overdue_open": "Clear the overdue problems first.",
        "advice.milestone_on_time": "Plan the milestones backwards from their dates and keep to them.",
        "advice.investment_completion": "Push the planned investment to completion.",
        "advice.rating_score": "Ask the recipients what they miss and act on their comments.",
        "advice.rating_response": "Get more recipients to rate the group each quarter.",
        "advice.other": "Find the cause and set measures to close the gap.",
        # closing block and page furniture
        "office_default": "Assessment office",
        "running_head": "{office} · {year} · {group}",
        "page_of": "Page {n} of {m}",
        "closing": "Reviewer's opinion",
        "signature": "Reviewer (signature)",
        "sign_date": "Date",
        "provenance_line": "Provenance: {input} (SHA-256 {input_sha256}) · scheme {scheme} (SHA-256 {scheme_sha256}) · assess {version} · source {commit} · generated {generated}",
        "quarter.1": "Q1",
        "quarter.2": "Q2",
        "quarter.3": "Q3",
        "quarter.4": "Q4",
        # bound file
        "bound_title": "Year-end assessment {year}: group reports",
        "contents": "Contents",
        "summary_table": "Summary of results",
        "page": "Page",
        "not_ranked": "not ranked",
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
        "unit": "牵头单位",
        "members": "成员",
        "recipients": "服务对象",
        "recipients_count": "企业{enterprises}家，项目{projects}个",
        "year": "年度",
        "as_of": "考核日期",
        "final_score": "最终得分",
        "grade": "等次",
        "rank": "排名",
        "rank_of": "第{rank}名，共{n}个",
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
        "vs_median_above": "{label}：{value}分，高于全体工作组中位数{diff}分",
        "vs_median_below": "{label}：{value}分，低于全体工作组中位数{diff}分",
        "none_above": "没有指标高于全体工作组中位数。",
        "none_below": "没有指标低于全体工作组中位数。",
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
        "rating_score": "评价得分",
        "reliability": "评价信度",
        "reliability.high": "各组平均评价足以相互比较：信度 {value}",
        "reliability.medium": "各组平均评价大体可以比较，相差不大时宜审慎：信度 {value}",
        "reliability.low": "各组平均评价一致性不足，相差不大的组不宜区分高下：信度 {value}",
        "reliability_note": (
            "注：信度指各组平均评价的信度，ICC(1,k) {icc1k}{estimated}；单份评价 ICC(1) {icc}；Krippendorff α {alpha}；"
            "全部工作组共{responses}份评价。评价份数较少的组，其评价得分向全体工作组平均水平适当靠拢（相当于增加{k}份平均评价）。"
        ),
        "reliability_estimated": "（由 ICC(1) 按 Spearman–Brown 公式推算）",
        "no_raters": "{year}年没有服务对象对本组作出评价（0份），本组无评价得分。",
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
        "web_page": "网页",
        "uncertainty": "等次的稳健性",
        "uncertainty_index": "等次有多稳健？排名区间与等次概率",
        "uncertainty_note": "在 {draws} 种合理变动情形下（权重的变化，以及各项指标所依据的台账月份、问题、走访和评价数量带来的不确定性），每个工作组均按完整规则（含名额限制）重新评分。",
        "uncertainty_alt": "排名区间与等次概率",
        "quality": "数据质量说明",
        "quality.none": "未发现数据质量问题。",
        "quality.insufficient_data": "数据不足：{components}无法计算得分（{missing}），本组不评定等次。",
        "quality.missing_indicators": "以下指标无数据（不计入，其余指标权重重新分配）：{indicators}。",
        "quality.ledger_missing": "截至考核日期有{n}个月未报送月度台账：{months}。",
        "quality.ledger_late": "有{n}个月月度台账逾期报送：{months}。",
        "quality.few_raters": "仅{raters}个服务对象参与评价（应不少于{min}个），评价得分更多参考全体平均水平。",
        "quality.straight_lining": "{n}个服务对象在各季度对所有评价项目打分完全相同。",
        "quality.no_recipients": "本组未分配服务对象。",
        "flag.insufficient_data": "数据不足：不评定等次",
        "flag.veto": "一票否决：最低等次",
        "flag.quota_demoted": "受等次名额限制降档",
        "not_ranked.veto": "未参与排名——一票否决",
        "not_ranked.insufficient_data": "未参与排名——数据不足",
        "partial_score": "{score}（部分得分）",
        "partial_note": "部分得分：仅由本组已有数据的考核部分计算，本组不评定等次。",
        "card.veto": "一票否决：无论得分高低，均评为最低等次，不参与排名。事由：{reasons}。",
        "card.quota": "达到“{band}”分数线，但“{band}”名额{cap}个（已评等次工作组的{share}），达线{met}个组中本组第{position}，评为“{grade}”。",
        "card.insufficient_data": "数据不足，不评定等次、不参与排名：{components}无法计分——{missing}。",
        "missing.ledger": "{year}年无月度台账",
        "missing.recipients": "未分配服务对象",
        "missing.problems": "{year}年未收集问题",
        "missing.problems_due": "截至考核日期无到期问题",
        "missing.milestones": "{year}年无计划项目节点",
        "missing.investment": "{year}年无计划投资",
        "missing.ratings": "{year}年无服务对象评价",
        "missing.indicator": "“{indicator}”无数据",
        "improve": "存在问题及改进建议",
        "improve.overdue": "{n}个问题超期未办结，最长{longest}天：{problem_id}（{category}，{unit}）。建议会同责任单位逐项督办，限期办结并反馈。",
        "improve.weak": "{indicator}{value}分，低于全体工作组中位数（{median}分），基础得分因此少{lost}分。{advice}",
        "improve.ledger_missing": "{n}个月未报送月度台账（{months}），建议及时补报，今后按月报送。",
        "improve.ledger_late": "{n}个月月度台账逾期报送（{months}），建议在规定时限内报送。",
        "improve.milestones_open": "截至考核日期应完成的{of}个项目节点中有{n}个未完成，建议倒排工期，加快推进。",
        "improve.none": "各项指标均未明显低于全体工作组中位数，无超期未办结问题，台账齐全。",
        "improve_note": "以上内容按固定规则由本报告数据生成：超期问题、相对全体工作组中位数失分最多的指标、月度台账和项目节点。",
        "advice.ledger_on_time": "建议按规定时限报送月度台账。",
        "advice.ledger_completeness": "建议完整填报月度台账各项内容。",
        "advice.visit_coverage": "建议每季度走访全部服务对象。",
        "advice.visits_per_recipient": "建议增加走访频次。",
        "advice.problem_resolution": "建议跟踪未办结问题，直至办结。",
        "advice.problem_on_time": "建议对照办结时限逐项跟踪，按时办结。",
        "advice.problem_overdue_open": "建议优先清理超期问题。",
        "advice.milestone_on_time": "建议倒排工期，确保项目节点按时完成。",
        "advice.investment_completion": "建议加快推进计划投资落实。",
        "advice.rating_score": "建议主动听取服务对象意见，逐条改进。",
        "advice.rating_response": "建议动员更多服务对象每季度参与评价。",
        "advice.other": "建议查找原因，制定整改措施。",
        "office_default": "考核办",
        "running_head": "{office} · {year} · {group}",
        "page_of": "第 {n} 页 共 {m} 页",
        "closing": "考核意见",
        "signature": "考核人（签字）",
        "sign_date": "日期",
        "provenance_line": "数据来源：{input}（SHA-256 {input_sha256}）· 考核方案 {scheme}（SHA-256 {scheme_sha256}）· assess {version} · 源代码 {commit} · 生成于 {generated}",
        "quarter.1": "第一季度",
        "quarter.2": "第二季度",
        "quarter.3": "第三季度",
        "quarter.4": "第四季度",
        "bound_title": "{year}年度年终考核报告汇编",
        "contents": "目录",
        "summary_table": "考核结果汇总",
        "page": "页码",
        "not_ranked": "未参与排名",
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


def quarter_label(quarter: Any, lang: str = "en") -> str:
    """A quarter ``YYYY-Qn`` as the reader says it: ``Q1`` (``第一季度``); the year is the report's.

    Examples
    --------
    >>> quarter_label("2025-Q1", "zh"), quarter_label("2025-Q3", "en"), quarter_label("x")
    ('第一季度', 'Q3', 'x')
    """
    match = re.fullmatch(r"(?:\d{4}-?)?Q([1-4])", str(quarter).strip())
    return text(f"quarter.{match.group(1)}", lang) if match else display_text(quarter)


def month_label(month: Any, lang: str = "en") -> str:
    """A month ``YYYY-MM`` for the reader: ``2025-07`` (``2025年7月``).

    Examples
    --------
    >>> month_label("2025-07", "zh"), month_label("2025-07", "en")
    ('2025年7月', '2025-07')
    """
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", str(month).strip())
    if check_lang(lang) == "zh" and match:
        return f"{match.group(1)}年{int(match.group(2))}月"
    return display_text(month)


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
