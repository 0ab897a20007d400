"""A realistic synthetic year of the programme, for demos, notebooks and tests.

The data is modelled on the two reports of ``seed/000_e6978e24a06c11bb.txt``: a district sends
38 working groups (工作组) to 30 major projects and 160 key enterprises; the groups visit
their recipients, collect about 220 problems of which about 130 are resolved, push project
milestones and investment, file a monthly ledger (often late or perfunctory) and are rated
by their recipients every quarter.  A hidden *quality* per group drives its punctuality,
its problem resolution, its milestones and its ratings, so the year-end scores spread out.

Every sheet follows :data:`assess.intake._spec.SHEETS` exactly (columns in spec order, IDs and text
as ``str``, dates as naive ``datetime64[ns]``, numbers as ``float64``, blanks as NaN/NaT) and
satisfies every rule of the input contract (docs/reference/input.md).  The generator uses only
:func:`numpy.random.default_rng` seeded by the caller: the same arguments always give the
same frames.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from assess.intake._spec import SHEETS

__all__ = ["make_sample"]

#: Defaults of the seed document: 30 projects and 160 enterprises for 38 groups.
_DEFAULT_GROUPS = 38
_DEFAULT_PROJECTS = 30
_DEFAULT_ENTERPRISES = 160
#: Problems raised and resolved in the seed year, per 190 recipients ("220 collected, 130 resolved").
_PROBLEMS_PER_RECIPIENT = 220 / 190
_RESOLVED_SHARE = 130 / 220

_SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃戴莫孔向汤詹聂"
)
_GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国文辉力鹏飞志红波斌宇浩凯健俊帆旭宁玲琳萍丹"
    "晨阳欣怡涵雨轩博思远立新庆海燕春梅德胜永清卫东兰晓峰湘岳麓"
)
_UNITS = (
    "县发改局 县住建局 县自然资源局 县财政局 县工信局 县商务局 县人社局 县交通运输局 县水务局 "
    "县生态环境局 县市场监管局 县行政审批局 县应急管理局 县科技局 县统计局 县税务局 县城管局 "
    "县农业农村局 县文旅广体局 县教育局 县卫健局 县司法局 县公安局 县民政局 县审计局 县林业局 "
    "县金融办 县委组织部 县委宣传部 县委政法委 县委办 县政府办 县总工会 县供电公司 "
    "经开区管委会 高新区管委会 丁字镇人民政府 桥驿镇人民政府 铜官街道办事处 白沙洲街道办事处"
).split()
#: Lead units that name their group after the area they serve (first group of that unit only).
_AREA_UNITS = {
    "经开区管委会": "经开区服务组",
    "高新区管委会": "高新区服务组",
    "丁字镇人民政府": "丁字镇服务组",
    "桥驿镇人民政府": "桥驿镇服务组",
    "铜官街道办事处": "铜官街道服务组",
    "白沙洲街道办事处": "白沙洲街道服务组",
}
_REGIONS = "湖南 长沙 湘潭 株洲 岳阳 望城".split()
_BRAND_CHARS = list("华自长重湘妮京阳中冶天有色远大三一星沙麓谷金霞雷锋楚天嘉泰宏安恒信达鑫源博瑞兴盛和康")
_INDUSTRIES = (
    "机械 科技 电子 新材料 生物医药 食品 建材 物流 环保科技 智能装备 重型机器 石材 汽车零部件 电气 包装"
).split()
_LEGAL_FORMS = ["有限公司", "股份有限公司", "有限责任公司"]
_PLACES = (
    "京阳 西沃 中南 双桥 太阳山 双桂 汤家湖 铜官 丁字 麓谷 雷锋 望城 星沙 金霞 黄金 "
    "白沙 书堂山 乌山 高塘岭 月亮岛 谷山 桥驿 茶亭 靖港"
).split()
_PROJECT_KINDS = (
    "物流园一期 物流园二期 工业园一期 石材工业园一期 学院新校区 职业学院建设项目 遗址公园 "
    "路北延线 三路 大道改扩建工程 安置小区 污水处理厂 商业综合体 标准厂房 产业园二期 "
    "人民医院新院区"
).split()
_VISIT_KINDS = np.array(["实地走访", "电话回访", "座谈会"])
_VISIT_NOTES = np.array(
    (
        "了解企业生产经营情况 协调解决用地报批问题 督促项目施工进度 宣传惠企政策 收集企业用工需求 "
        "现场查看拆迁进展 对接融资需求 跟踪上月问题办理情况 陪同县领导现场办公 了解水电配套进展"
    ).split()
)
#: Problem categories with their share and the units that take them on.
_CATEGORIES = {
    "用地报批": (0.22, ["县自然资源局", "县发改局"]),
    "征地拆迁": (0.22, ["县征拆办", "丁字镇人民政府", "桥驿镇人民政府"]),
    "融资": (0.14, ["县金融办", "县财政局"]),
    "审批手续": (0.18, ["县行政审批局", "县住建局", "县生态环境局"]),
    "水电配套": (0.14, ["县供电公司", "县水务局"]),
    "用工": (0.10, ["县人社局"]),
}
_PRIORITIES = np.array(["common", "urgent", "major"])
#: Deadline window (days after raised_on, inclusive) per priority; all inside 15–90.
_DEADLINE_DAYS = {"common": (20, 60), "urgent": (15, 30), "major": (45, 90)}
_STAGES = np.array("前期手续办理 征地拆迁 土方平整 主体工程 配套设施建设 竣工投产".split())
_RATING_ITEMS = np.array(["服务态度", "办事效率", "问题解决"])
_COMMENTS_GOOD = np.array(
    (
        "工作组服务热情，问题协调及时 对企业诉求响应迅速，非常满意 帮助解决了用地报批难题，感谢 "
        "经常上门走访，政策宣传到位"
    ).split()
)
_COMMENTS_MID = np.array(["总体满意，希望加快办理进度", "问题已反映，期待尽快落实", "建议增加走访频次"])
_COMMENTS_BAD = np.array("反映的问题长期未解决 工作组很少到企业走访 办事拖沓，答复不及时 拆迁问题推诿扯皮".split())
_BONUS_REASONS = np.array(
    (
        "协调解决重大项目征地拆迁难题，受到县委县政府通报表扬 帮扶经验在全县讲评会上作典型发言 "
        "服务对象赠送锦旗表示感谢 超额完成年度招商引资任务 帮促工作信息被市级以上媒体采用"
    ).split()
)
_DEDUCTION_REASONS = np.array(
    (
        "月度台账多次逾期报送 台账填报不认真，应付了事 督查发现未按要求深入企业走访 "
        "交办问题逾期未办结且未说明情况 服务对象投诉经核查属实"
    ).split()
)
_VETO_REASONS = np.array(["工作组成员在帮促工作中违反廉洁纪律，造成不良影响"])
_CN_DIGITS = "零一二三四五六七八九"


def make_sample(
    year: int = 2025,
    groups: int = _DEFAULT_GROUPS,
    projects: int | None = None,
    enterprises: int | None = None,
    seed: int = 0,
) -> dict[str, pd.DataFrame]:
    """Generate one realistic synthetic year of input sheets.

    Parameters
    ----------
    year : int, default 2025
        The assessment year; every generated date lies inside it, except problem deadlines,
        which may fall early in the next year for problems raised late in ``year``.
    groups : int, default 38
        Number of working groups, IDs ``G01``… zero-padded to the width ``groups`` needs
        (at least 2 digits).
    projects, enterprises : int or None, default None
        Number of project and enterprise recipients (IDs ``P001``…, ``E001``…, at least
        3 digits).  ``None`` scales the seed's 30 projects and 160 enterprises per 38 groups
        to ``groups``: ``round(30 * groups / 38)`` and ``round(160 * groups / 38)``, i.e.
        about 5 recipients per group, which gives exactly 30 and 160 for the default.
        An explicit number is used as given.
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`; the same arguments give equal frames.

    Returns
    -------
    dict of str to DataFrame
        One frame per sheet of :data:`assess.intake._spec.SHEETS` (``groups``, ``recipients``,
        ``ledger``, ``visits``, ``problems``, ``milestones``, ``ratings``, ``adjustments``),
        each with exactly the spec's columns in spec order.

    Raises
    ------
    ValueError
        If ``groups`` < 1, a count is negative, or there are fewer than two recipients per
        group (every group gets at least two).

    Notes
    -----
    Volumes scale with the number of recipients: about 220 problems per 190 recipients, of
    which about 59 % are resolved by 31 December; one ledger row per group and month (a few
    missing or never submitted); a few bonuses and deductions (about 4 each per 38 groups)
    and exactly one veto.  Projects are spread over the groups first (at most one more per
    group than the fewest), so with fewer projects than groups some groups have no
    milestones.

    Examples
    --------
    >>> sheets = make_sample(seed=1)
    >>> len(sheets["groups"]), len(sheets["recipients"])
    (38, 190)
    >>> sheets["groups"]["group_id"].iloc[0]
    'G01'
    """
    if groups < 1:
        raise ValueError(f"groups={groups} is invalid: a sample needs at least 1 working group.")
    if projects is None:
        projects = round(_DEFAULT_PROJECTS * groups / _DEFAULT_GROUPS)
    if enterprises is None:
        enterprises = round(_DEFAULT_ENTERPRISES * groups / _DEFAULT_GROUPS)
    if projects < 0 or enterprises < 0:
        raise ValueError(f"projects={projects}, enterprises={enterprises} is invalid: counts must be ≥ 0.")
    if projects + enterprises < 2 * groups:
        raise ValueError(
            f"projects + enterprises = {projects + enterprises} is too few for {groups} groups: "
            f"every group needs at least 2 recipients, so pass at least {2 * groups} in total."
        )

    rng = np.random.default_rng(seed)
    cal = _Calendar(year)
    quality = _group_quality(rng, groups)

    grp = _groups(rng, groups)
    rec = _recipients(rng, grp["group_id"], projects, enterprises)
    frames = {
        "groups": grp,
        "recipients": rec.frame,
        "ledger": _ledger(rng, cal, grp["group_id"], quality),
        "visits": _visits(rng, cal, rec, quality),
        "problems": _problems(rng, cal, rec, quality),
        "milestones": _milestones(rng, cal, rec, quality),
        "ratings": _ratings(rng, rec, quality, year),
        "adjustments": _adjustments(rng, cal, grp["group_id"], quality),
        "indicators": _office_indicators(rng, grp["group_id"], quality),
    }
    return {name: _typed(name, frames[name]) for name in SHEETS}


class _Calendar:
    """Day arithmetic inside one year, on ``datetime64[D]``."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.start = np.datetime64(f"{year:04d}-01-01", "D")
        self.end = np.datetime64(f"{year + 1:04d}-01-01", "D") - 1
        self.ndays = int((self.end - self.start).astype(int)) + 1
        months = np.arange(13)
        self.month_start = np.datetime64(f"{year:04d}-01", "M") + months
        self.month_start = self.month_start.astype("datetime64[D]")

    def day(self, offset: np.ndarray) -> np.ndarray:
        """Dates ``offset`` days after 1 January."""
        return self.start + np.asarray(offset, dtype=np.int64)

    def clip(self, dates: np.ndarray) -> np.ndarray:
        """``dates`` moved inside the year (NaT stays NaT)."""
        out = np.where(dates < self.start, self.start, dates)
        return np.where(out > self.end, self.end, out)

    def quarter_bounds(self, quarter: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """First day and length in days of each 0-based ``quarter``."""
        first = self.month_start[3 * quarter]
        length = (self.month_start[3 * quarter + 3] - first).astype(np.int64)
        return first, length


def _group_quality(rng: np.random.Generator, n: int) -> np.ndarray:
    """Latent quality in (0, 1) per group: most groups decent, a tail of weak ones."""
    return 0.2 + 0.8 * rng.beta(3.0, 1.4, n)


def _cn_number(n: int) -> str:
    """``n`` in Chinese numerals (``1 → 一``, ``12 → 十二``, ``105 → 一百零五``); Arabic from 10 000."""
    if n <= 0 or n >= 10_000:
        return str(n)
    digits = [int(c) for c in str(n)]
    units = ["千", "百", "十", ""][4 - len(digits) :]
    out, zero = "", False
    for d, u in zip(digits, units, strict=True):
        if d == 0:
            zero = True
            continue
        if zero and out:
            out += "零"
        zero = False
        out += _CN_DIGITS[d] + u
    if 10 <= n < 20:
        out = out[1:]  # 十二, not 一十二
    return out


def _person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` Chinese personal names: a surname and a one- or two-character given name."""
    surname = rng.choice(_SURNAMES, n)
    first = rng.choice(_GIVEN, n)
    second = np.where(rng.random(n) < 0.7, rng.choice(_GIVEN, n), "")
    return np.char.add(np.char.add(surname, first), second).astype(object)


def _distinct_combos(rng: np.random.Generator, n: int, parts: list[list[str]]) -> np.ndarray:
    """``n`` strings joining one item of each list of ``parts``; distinct while the lists allow it."""
    sizes = [len(p) for p in parts]
    space = int(np.prod(sizes))
    flat = rng.choice(space, n, replace=n > space)
    out = np.full(n, "", dtype=object)
    for part, index in zip(parts, np.unravel_index(flat, sizes), strict=True):
        out = out + np.asarray(part, dtype=object)[index]
    return out


def _groups(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """One row per group: ID, a Chinese name, three members and a lead unit."""
    width = max(2, len(str(n)))
    ids = [f"G{i:0{width}d}" for i in range(1, n + 1)]
    order = np.concatenate([rng.permutation(len(_UNITS)) for _ in range(-(-n // len(_UNITS)))])
    units = np.asarray(_UNITS, dtype=object)[order[:n]]
    names, seen = [], set()
    for i, unit in enumerate(units, start=1):
        if unit in _AREA_UNITS and unit not in seen:
            names.append(_AREA_UNITS[unit])
        else:
            names.append(f"第{_cn_number(i)}工作组")
        seen.add(unit)
    return pd.DataFrame(
        {
            "group_id": ids,
            "name": names,
            "leader": _person_names(rng, n),
            "department_head": _person_names(rng, n),
            "staff": _person_names(rng, n),
            "unit": units,
        }
    )


class _Recipients(NamedTuple):
    """The recipients sheet, each recipient's group (as an index into the groups) and whether it is a project."""

    frame: pd.DataFrame
    group: np.ndarray
    is_project: np.ndarray


def _recipients(rng: np.random.Generator, group_ids: pd.Series, projects: int, enterprises: int) -> _Recipients:
    """Recipients spread over the groups (each group ≥ 2) and each one's group index."""
    n_groups = len(group_ids)
    # Projects first, as evenly as possible, so that as many groups as possible have one.
    project_group = rng.permutation(n_groups)[np.arange(projects) % n_groups]
    n_proj = np.bincount(project_group, minlength=n_groups)
    need = np.maximum(0, 2 - n_proj)
    extra = rng.multinomial(enterprises - need.sum(), _normalised(rng.gamma(4.0, 1.0, n_groups)))
    enterprise_group = rng.permutation(np.repeat(np.arange(n_groups), need + extra))

    pw, ew = max(3, len(str(projects))), max(3, len(str(enterprises)))
    project_names = _distinct_combos(rng, projects, [_PLACES, _PROJECT_KINDS])
    enterprise_names = _distinct_combos(
        rng,
        enterprises,
        [_REGIONS, _BRAND_CHARS, _BRAND_CHARS, _INDUSTRIES, _LEGAL_FORMS],
    )
    group_index = np.concatenate([project_group, enterprise_group]).astype(np.int64)
    frame = pd.DataFrame(
        {
            "recipient_id": [f"P{i:0{pw}d}" for i in range(1, projects + 1)]
            + [f"E{i:0{ew}d}" for i in range(1, enterprises + 1)],
            "name": np.concatenate([project_names, enterprise_names]),
            "kind": ["project"] * projects + ["enterprise"] * enterprises,
            "group_id": group_ids.to_numpy()[group_index],
        }
    )
    return _Recipients(frame, group_index, (frame["kind"] == "project").to_numpy())


def _ledger(rng: np.random.Generator, cal: _Calendar, group_ids: pd.Series, q: np.ndarray) -> pd.DataFrame:
    """One ledger row per group and month, due on the 25th; some late, some missing."""
    n = len(group_ids)
    g = np.repeat(np.arange(n), 12)
    month = np.tile(np.arange(12), n)
    due = cal.month_start[month] + 24  # the 25th
    p_missing = 0.01 + 0.12 * (1 - q[g])
    p_late = 0.02 + 0.45 * (1 - q[g]) ** 1.5
    on_time = _quota(rng, g, 1 - p_missing[::12] - p_late[::12])
    missing = ~on_time & (rng.random(n * 12) < p_missing / (p_missing + p_late))
    late = ~on_time & ~missing
    dropped = missing & (rng.random(n * 12) < 0.5)  # no row at all; the rest have a blank date
    submitted = np.where(
        late,
        cal.clip(due + rng.integers(1, 21, n * 12)),
        due - rng.integers(0, 11, n * 12),
    )
    submitted = np.where(missing, np.datetime64("NaT"), submitted)
    # In-year texture for the monthly bulletin: the two weakest groups slip in May and June
    # (filed 5 and 9 days late), so June's bulletin names groups late in two of three months
    # ("交表和每月台账不及时"). Fixed days, no draw: the rest of the sample is unchanged.
    slipping = np.isin(g, np.argsort(q, kind="stable")[: min(2, n)]) & np.isin(month, [4, 5]) & ~missing
    submitted = np.where(slipping, due + np.where(month == 4, 5, 9), submitted)
    completeness = np.clip(0.55 + 0.45 * q[g] + rng.normal(0.0, 0.08, n * 12), 0.5, 1.0).round(2)
    completeness = np.where(missing, np.nan, completeness)
    keep = ~dropped
    return pd.DataFrame(
        {
            "group_id": group_ids.to_numpy()[g[keep]],
            "month": [f"{cal.year:04d}-{m + 1:02d}" for m in month[keep]],
            "due_date": due[keep],
            "submitted_on": submitted[keep],
            "completeness": completeness[keep],
        }
    )


def _visits(rng: np.random.Generator, cal: _Calendar, recipients: _Recipients, q: np.ndarray) -> pd.DataFrame:
    """Visits through the year, each to a recipient of the visiting group."""
    rec, rec_group = recipients.frame, recipients.group
    n_rec, n_groups = len(rec), len(q)
    # A few of the weakest groups neglect about a third of their recipients all year.
    weak = np.argsort(q)[: max(1, round(0.1 * n_groups))]
    neglected = np.isin(rec_group, weak) & (rng.random(n_rec) < 0.35)
    p_visit = np.where(neglected, 0.3, 0.6 + 0.4 * q[rec_group] ** 0.7)

    r = np.repeat(np.arange(n_rec), 4)
    quarter = np.tile(np.arange(4), n_rec)
    visited = rng.random(4 * n_rec) < p_visit[r]
    count = np.where(visited, 1 + rng.poisson(0.2 + 0.9 * q[rec_group[r]]), 0)
    r, quarter = np.repeat(r, count), np.repeat(quarter, count)
    first, length = cal.quarter_bounds(quarter)
    date = first + (rng.random(len(r)) * length).astype(np.int64)
    n = len(r)
    kept = rng.random(n) < 0.45
    note = rng.choice(_VISIT_NOTES, n).astype(object)
    note[~kept] = None
    frame = pd.DataFrame(
        {
            "group_id": rec["group_id"].to_numpy()[r],
            "recipient_id": rec["recipient_id"].to_numpy()[r],
            "date": date,
            "kind": rng.choice(_VISIT_KINDS, n, p=[0.6, 0.25, 0.15]),
            "note": note,
        }
    )
    return frame.sort_values(["date", "group_id", "recipient_id"], kind="stable", ignore_index=True)


def _problems(rng: np.random.Generator, cal: _Calendar, recipients: _Recipients, q: np.ndarray) -> pd.DataFrame:
    """The problem ledger: raised through the year, about 59 % resolved by 31 December."""
    rec, rec_group, is_project = recipients
    n_rec = len(rec)
    n = round(_PROBLEMS_PER_RECIPIENT * n_rec * rng.uniform(0.96, 1.04))
    # Projects raise more problems than enterprises; diligent groups collect a little more.
    weight = np.where(is_project, 1.6, 1.0) * (0.7 + 0.6 * q[rec_group])
    # Every group raises at least two problems (when there are enough), from its own recipients.
    n_groups = len(q)
    n_floor = 2 * n_groups if n >= 2 * n_groups else 0
    by_group = np.argsort(rec_group, kind="stable")
    size = np.bincount(rec_group, minlength=n_groups)
    first = np.cumsum(size) - size
    floor_group = np.repeat(np.arange(n_groups), 2) if n_floor else np.zeros(0, dtype=np.int64)
    floor_rec = by_group[first[floor_group] + (rng.random(n_floor) * size[floor_group]).astype(np.int64)]
    r = rng.permutation(np.concatenate([floor_rec, rng.choice(n_rec, n - n_floor, p=_normalised(weight))]))
    g = rec_group[r]
    raised_offset = np.sort(rng.integers(0, cal.ndays, n))
    raised = cal.day(raised_offset)

    priority = rng.choice(_PRIORITIES, n, p=[0.65, 0.2, 0.15])
    lo = np.select([priority == p for p in _DEADLINE_DAYS], [v[0] for v in _DEADLINE_DAYS.values()])
    hi = np.select([priority == p for p in _DEADLINE_DAYS], [v[1] for v in _DEADLINE_DAYS.values()])
    allowed = rng.integers(lo, hi + 1)
    deadline = raised + allowed

    names = list(_CATEGORIES)
    category = rng.choice(np.array(names), n, p=_normalised(np.array([v[0] for v in _CATEGORIES.values()])))
    unit = np.empty(n, dtype=object)
    for name, (_, units) in _CATEGORIES.items():
        mask = category == name
        unit[mask] = rng.choice(np.asarray(units, dtype=object), mask.sum())

    # About share · n problems are resolved: each group resolves its own share (driven by its
    # quality, scaled so that the total matches), preferring problems raised early in the year.
    days_left = cal.ndays - 1 - raised_offset
    per_group = np.bincount(g, minlength=n_groups)
    target = n * _RESOLVED_SHARE * rng.uniform(0.96, 1.04)
    share = _calibrated_share(0.2 + 0.8 * q**2, per_group, target)
    resolved = _quota(rng, g, share, weight=np.clip(days_left / 150, 0.03, 1.0) ** 1.5)
    on_time = np.zeros(n, dtype=bool)
    on_time[resolved] = _quota(rng, g[resolved], 0.45 + 0.55 * q)
    took = np.where(
        on_time,
        np.ceil(allowed * rng.uniform(0.15, 1.0, n)),
        allowed + rng.integers(1, 46, n),
    ).astype(np.int64)
    took = np.minimum(took, days_left)
    resolved_on = np.where(resolved, raised + took, np.datetime64("NaT"))

    recipient = rec["recipient_id"].to_numpy(dtype=object)[r]
    recipient = np.where(rng.random(n) < 0.03, None, recipient)  # a few group-level problems
    width = max(4, len(str(n)))
    return pd.DataFrame(
        {
            "problem_id": [f"Q{cal.year:04d}-{i:0{width}d}" for i in range(1, n + 1)],
            "group_id": rec["group_id"].to_numpy()[r],
            "recipient_id": recipient,
            "raised_on": raised,
            "category": category,
            "priority": priority,
            "responsible_unit": unit,
            "responsible_person": _person_names(rng, n),
            "deadline": deadline,
            "status": np.where(resolved, "resolved", "open"),
            "resolved_on": resolved_on,
        }
    )


def _milestones(rng: np.random.Generator, cal: _Calendar, recipients: _Recipients, q: np.ndarray) -> pd.DataFrame:
    """Two to four milestones per project, planned in the year, with investment in 万元.

    A group with no project gets milestones for one of its enterprises (an expansion or
    technical-upgrade project: the seed report counts 50 of 150 enterprises with one), so
    every group can be graded on work effectiveness.
    """
    rec, rec_group, is_project = recipients
    has_project = np.isin(np.arange(rec_group.max() + 1), rec_group[is_project])
    first_of_group = ~pd.Series(rec_group).duplicated().to_numpy()
    proj = np.flatnonzero(is_project | (first_of_group & ~has_project[rec_group]))
    n_ms = rng.integers(2, 5, len(proj))  # 2–4 milestones this year
    first_stage = rng.integers(0, len(_STAGES) - n_ms + 1)
    p = np.repeat(proj, n_ms)
    j = np.arange(n_ms.sum()) - np.repeat(np.cumsum(n_ms) - n_ms, n_ms)  # ordinal within project
    per = np.repeat(n_ms, n_ms)
    stage = np.repeat(first_stage, n_ms) + j
    n = len(p)
    span = cal.ndays - 20
    planned_offset = 10 + ((j + rng.uniform(0.2, 0.9, n)) * span / per).astype(np.int64)
    planned = cal.day(planned_offset)

    qg = q[rec_group[p]]
    on = _quota(rng, rec_group[p], 0.35 + 0.6 * q)
    not_done = ~on & (rng.random(n) < 0.15 + 0.35 * (1 - qg))
    late_date = planned + rng.integers(3, 76, n)
    not_done |= ~on & (late_date > cal.end)  # slipped past the year end
    completed = np.where(on, cal.clip(planned - rng.integers(0, 15, n)), late_date)
    completed = np.where(not_done, np.datetime64("NaT"), completed)

    early_stage = stage <= 1
    zero_planned = rng.random(n) < np.where(early_stage, 0.5, 0.05)
    amount = np.round(np.exp(rng.normal(np.log(3000.0), 0.9, n)), -1)
    planned_inv = np.where(zero_planned, 0.0, amount)
    share = np.where(
        on,
        rng.uniform(0.92, 1.08, n),
        np.where(not_done, rng.uniform(0.05, 0.3, n) + 0.4 * qg, rng.uniform(0.75, 1.0, n)),
    )
    completed_inv = np.round(planned_inv * share, 1)
    # Unplanned spending on early stages (compensation paid ahead of plan), now and then.
    unplanned = zero_planned & (rng.random(n) < 0.2)
    completed_inv = np.where(unplanned, np.round(rng.uniform(20, 300, n), 1), completed_inv)
    return pd.DataFrame(
        {
            "recipient_id": rec["recipient_id"].to_numpy()[p],
            "group_id": rec["group_id"].to_numpy()[p],
            "milestone": _STAGES[stage],
            "planned_date": planned,
            "completed_on": completed,
            "investment_planned": planned_inv,
            "investment_completed": completed_inv,
        }
    )


def _ratings(rng: np.random.Generator, recipients: _Recipients, q: np.ndarray, year: int) -> pd.DataFrame:
    """Three items per responding (recipient, quarter), rated for the recipient's own group."""
    rec, rec_group = recipients.frame, recipients.group
    n_rec = len(rec)
    # Rating level per group; the weakest group is rated clearly lower.
    level = 3.4 + 1.7 * q
    level[np.argmin(q)] -= 0.9
    r = np.repeat(np.arange(n_rec), 4)
    quarter = np.tile(np.arange(4), n_rec)
    responds = rng.random(4 * n_rec) < 0.68 + 0.3 * q[rec_group[r]]
    responds[4 * np.arange(n_rec) + rng.integers(0, 4, n_rec)] = True  # everyone rates at least once
    r, quarter = r[responds], quarter[responds]
    response_effect = rng.normal(0.0, 0.35, len(r))
    r, quarter, response_effect = (np.repeat(a, 3) for a in (r, quarter, response_effect))
    item = np.tile(_RATING_ITEMS, len(r) // 3)
    n = len(r)
    score = np.clip(np.rint(level[rec_group[r]] + response_effect + rng.normal(0.0, 0.55, n)), 1, 5)
    comment = np.select(
        [score >= 4, score >= 3],
        [rng.choice(_COMMENTS_GOOD, n).astype(object), rng.choice(_COMMENTS_MID, n).astype(object)],
        rng.choice(_COMMENTS_BAD, n).astype(object),
    )
    comment[rng.random(n) >= 0.18] = None
    frame = pd.DataFrame(
        {
            "quarter": [f"{year:04d}-Q{k + 1}" for k in quarter],
            "recipient_id": rec["recipient_id"].to_numpy()[r],
            "group_id": rec["group_id"].to_numpy()[r],
            "item": item,
            "score": score,
            "comment": comment,
        }
    )
    return frame.sort_values(["quarter", "group_id", "recipient_id"], kind="stable", ignore_index=True)


def _office_indicators(rng: np.random.Generator, group_ids: pd.Series, q: np.ndarray) -> pd.DataFrame:
    """One indicator the office computes itself: ``key_tasks``, the share of the group's
    assigned key tasks (重点任务) completed. The default scheme does not weight it."""
    value = np.round(np.clip(0.55 + 0.4 * q + rng.normal(0, 0.06, len(q)), 0, 1), 3)
    return pd.DataFrame({"group_id": group_ids.to_numpy(), "indicator": "key_tasks", "value": value})


def _adjustments(rng: np.random.Generator, cal: _Calendar, group_ids: pd.Series, q: np.ndarray) -> pd.DataFrame:
    """A few bonuses and deductions, and exactly one veto."""
    n_groups = len(q)
    n_each = max(1, round(4 * n_groups / _DEFAULT_GROUPS))
    replace = n_each > n_groups
    bonus = rng.choice(n_groups, n_each, replace=replace, p=_normalised(q**4 + 1e-3))
    deduction = rng.choice(n_groups, n_each, replace=replace, p=_normalised((1 - q) ** 2 + 1e-3))
    weakest = np.argsort(q)[: max(1, n_groups // 4)]
    veto = rng.choice(weakest, 1)
    g = np.concatenate([bonus, deduction, veto])
    kind = ["bonus"] * n_each + ["deduction"] * n_each + ["veto"]
    points = np.concatenate([rng.integers(1, 4, n_each), rng.integers(1, 6, n_each), [np.nan]]).astype(float)
    reason = np.concatenate(
        [
            rng.choice(_BONUS_REASONS, n_each),
            rng.choice(_DEDUCTION_REASONS, n_each),
            rng.choice(_VETO_REASONS, 1),
        ]
    )
    frame = pd.DataFrame(
        {
            "group_id": group_ids.to_numpy()[g],
            "date": cal.day(rng.integers(14, cal.ndays, len(g))),  # decided after the New Year break
            "kind": kind,
            "points": points,
            "reason": reason,
        }
    )
    return frame.sort_values(["date", "group_id"], kind="stable", ignore_index=True)


def _quota(
    rng: np.random.Generator, group: np.ndarray, share: np.ndarray, weight: np.ndarray | None = None
) -> np.ndarray:
    """Mark about ``share[k]`` of the items of each group ``k``, drawn without replacement.

    The count per group is ``n_k · share[k]`` rounded up or down at random (so the share is
    met without binomial noise), and the marked items are drawn with probability
    proportional to ``weight`` (Gumbel top-k).
    """
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=bool)
    counts = np.bincount(group, minlength=len(share))
    quota = np.floor(counts * np.clip(share, 0.0, 1.0) + rng.random(len(share))).astype(np.int64)
    key = rng.gumbel(size=n)
    if weight is not None:
        key = key + np.log(weight)
    order = np.lexsort((-key, group))
    sorted_group = group[order]
    rank = np.arange(n) - np.searchsorted(sorted_group, sorted_group, side="left")
    marked = np.empty(n, dtype=bool)
    marked[order] = rank < quota[sorted_group]
    return marked


def _calibrated_share(propensity: np.ndarray, counts: np.ndarray, target: float) -> np.ndarray:
    """``min(1, c · propensity)`` with ``c`` chosen so that ``Σ counts · share ≈ target``."""
    lo, hi = 0.0, 1.0 / max(float(propensity.min()), 1e-9)
    for _ in range(50):
        c = (lo + hi) / 2
        if (counts * np.minimum(1.0, c * propensity)).sum() < target:
            lo = c
        else:
            hi = c
    return np.minimum(1.0, hi * propensity)


def _normalised(weights: np.ndarray) -> np.ndarray:
    """``weights`` scaled to sum to 1."""
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum()


def _typed(sheet: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the spec's columns, in spec order, cast to the dtype of each column kind."""
    out = {}
    for column in SHEETS[sheet].columns:
        values = frame[column.name]
        if column.kind == "date":
            out[column.name] = values.astype("datetime64[ns]")
        elif column.kind == "number":
            out[column.name] = values.astype("float64")
        else:  # id, text, enum, month, quarter
            out[column.name] = values.astype("str")
    return pd.DataFrame(out).reset_index(drop=True)
