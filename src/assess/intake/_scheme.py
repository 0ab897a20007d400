"""The scoring scheme: a YAML file validated into a typed, frozen object (the scoring rules (docs/reference/scoring.md)).

Every rule of the scoring — components, indicators, weights, normalisation, aggregation,
adjustment caps and grade bands — is a setting here. Errors name the key path, the bad
value and the fix, e.g. ``grades.bands[0].quota: 1.5 is invalid; ...``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import math
import re
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from assess.common import AliasRefused, DuplicateKey, SchemeError, read_yaml

__all__ = [
    "Scheme",
    "UncertaintySettings",
    "DateWindow",
    "load_scheme",
    "default_scheme",
    "saved_scheme",
    "DEFAULT_SCHEME_TEXT",
    "BUILTIN_INDICATORS",
]

#: Indicators computed by :mod:`assess.scoring._indicators` (the scoring rules (docs/reference/scoring.md)).
BUILTIN_INDICATORS = (
    "ledger_on_time",
    "ledger_completeness",
    "visit_coverage",
    "visits_per_recipient",
    "problem_resolution",
    "problem_on_time",
    "problem_overdue_open",
    "milestone_on_time",
    "investment_completion",
    "rating_score",
    "rating_response",
)

DEFAULT_SCHEME_TEXT: str = files("assess.intake").joinpath("default_scheme.yaml").read_text(encoding="utf-8")

#: Largest scheme file read (bytes); a scheme is a few kilobytes.
MAX_SCHEME_BYTES = 1_000_000
#: A component, indicator or grade band name: a letter, then letters, digits or ``_`` (at most 40).
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"
#: Names the outputs use for their own columns (``scores``, ``indicators``, ``contributions``,
#: ``raw``, ``year_over_year``, ``uncertainty``): a scheme name equal to one would make two
#: columns of one name in ``scores.xlsx``.
RESERVED_NAMES = frozenset(
    {
        # scores (the outputs contract (docs/reference/outputs.md)) and year over year
        "group_id", "name", "base_score", "bonus", "deduction", "final_score", "grade", "rank", "flags",
        "previous_score", "score_change", "previous_rank", "rank_change", "previous_grade", "grade_change", "status",
        # indicators and contributions
        "indicator", "component", "raw", "normalized", "weight", "effective_weight", "points", "vs_median",
        # uncertainty (p_<band> is checked separately)
        "nominal_score", "nominal_rank", "nominal_grade", "score_median", "score_p05", "score_p95",
        "rank_median", "rank_p05", "rank_p95", "p_keep", "ungraded",
        # ratings quality and flags
        "responses", "raters", "mean", "sd", "straight_liners", "few_raters", "icc1", "alpha", "flag", "detail",
        "insufficient_data", "veto", "quota_demoted",
    }
)  # fmt: skip


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fmt(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() and abs(x) < 1e16 else f"{x:g}"


def _range_text(lo: float | None, hi: float | None, gt: float | None) -> str:
    low = f"above {_fmt(gt)}" if gt is not None else f"from {_fmt(lo)}" if lo is not None else ""
    high = f"{'up to' if gt is not None else 'to'} {_fmt(hi)}" if hi is not None else ""
    return " ".join(part for part in (low, high) if part) or "any size"


def _number_check(lo: float | None, hi: float | None, gt: float | None, integer: bool = False, rule: str = "") -> Any:
    """A validator: the value is a YAML number (not ``true``, not ``"0.3"``), finite and in range."""
    kind = "a whole number" if integer else "a finite number"
    rule = rule or f"it must be {kind} {_range_text(lo, hi, gt)}"

    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            m = (
                re.fullmatch(r"([-+]?)(\d+)(?:\.(\d*))?[eE]([-+]?)(\d+)", value.strip())
                if isinstance(value, str)
                else None
            )
            if m:  # YAML 1.1 reads 1e-3 or 5.0e0 as text: it wants a decimal point and a signed exponent
                sign, whole, frac, esign, exp = m.groups()
                written = f"{sign}{whole}.{frac or '0'}e{esign or '+'}{exp}"
                raise ValueError(
                    f"{_shown(value)} is read by YAML as text, not a number: write it as {written} (a decimal point and a signed exponent); {rule}"
                )
            raise ValueError(f"{_shown(value)} is not a number; {rule}, written without quotes")
        if integer and isinstance(value, float) and not value.is_integer():
            raise ValueError(f"{_shown(value)} is invalid; {rule}")
        try:
            number = float(value)
        except OverflowError:
            raise ValueError(f"{_shown(value)} is invalid; {rule}") from None
        if (
            not math.isfinite(number)
            or (lo is not None and number < lo)
            or (hi is not None and number > hi)
            or (gt is not None and number <= gt)
        ):
            raise ValueError(f"{_shown(value)} is invalid; {rule}")
        return int(value) if integer else number

    return check


def _num(
    lo: float | None = -1e15, hi: float | None = 1e15, *, gt: float | None = None, rule: str = ""
) -> BeforeValidator:
    """Use as ``Annotated[float, _num(...)]``: a finite number in ``[lo, hi]`` (or ``(gt, hi]``);
    the message states the range (or ``rule``)."""
    return BeforeValidator(_number_check(None if gt is not None else lo, hi, gt, rule=rule))


def _int(lo: int, hi: int) -> BeforeValidator:
    """Use as ``Annotated[int, _int(lo, hi)]``: a whole number in ``[lo, hi]``."""
    return BeforeValidator(_number_check(lo, hi, None, integer=True))


def _text(value: str) -> str:
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value):
        raise ValueError(f"{_shown(value)} holds a control character (NUL, BEL, ESC, ...); remove it")
    return value


#: A name or label: text of at most 200 characters, without control characters.
Text = Annotated[str, Field(max_length=200), AfterValidator(_text)]


def _check_name(kind: str, name: str) -> str | None:
    """Why ``name`` cannot name a component, indicator or band (``None``: it can)."""
    if not isinstance(name, str) or not re.fullmatch(NAME_PATTERN, name):
        return (
            f"{_shown(name)} is not a plain name; a {kind} name is a letter followed by letters, digits or _ "
            "(at most 40), e.g. daily_work — the name becomes a column of scores.xlsx; put any other text in its label"
        )
    if name in RESERVED_NAMES or name.startswith("p_"):
        return f"{name!r} is the name of a column assess writes itself; choose another {kind} name (the label can still say {name})"
    return None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Label(_Frozen):
    en: Text
    zh: Text


class Normalize(_Frozen):
    method: Literal["goalposts", "minmax", "rank", "tscore"] = "goalposts"
    bounds: tuple[Annotated[float, _num(-1e12, 1e12)], Annotated[float, _num(-1e12, 1e12)]] | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Normalize:
        if self.method == "goalposts":
            lo, hi = self.bounds if self.bounds is not None else (0.0, 1.0)
            if not hi > lo:
                raise ValueError(f"bounds [{lo}, {hi}] are invalid; goalposts need lo < hi")
            object.__setattr__(self, "bounds", (lo, hi))
        elif self.bounds is not None:
            raise ValueError(f"bounds are only used by the goalposts method, not by {self.method}; remove them")
        return self


class Component(_Frozen):
    weight: Annotated[float, _num(gt=0, hi=1)]
    label: Label


class Indicator(_Frozen):
    component: str
    weight: Annotated[float, _num(gt=0, hi=1)]
    direction: Literal["higher", "lower"] = "higher"
    normalize: Normalize = Normalize()


class Band(_Frozen):
    name: str
    min: Annotated[float, _num(0, 100)]
    quota: Annotated[float, _num(0, 1, rule="a quota is a share between 0 and 1")] | None = None
    label: Label

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        problem = _check_name("band", v)
        if problem:
            raise ValueError(problem)
        return v


class Grades(_Frozen):
    bands: tuple[Band, ...]
    quota_rounding: Literal["floor", "round", "ceil"] = "floor"
    ties: Literal["demote", "admit"] = "demote"
    tie_break: tuple[str, ...] = ()
    #: ``true``: the thresholds are places on a relative scale, meant for normalisations that
    #: compare groups (``minmax``, ``rank``, ``tscore``); absent/false: absolute points.
    relative: bool | None = None

    @field_validator("bands")
    @classmethod
    def _bands(cls, bands: tuple[Band, ...]) -> tuple[Band, ...]:
        if not bands:
            raise ValueError("at least one grade band is needed")
        mins = [b.min for b in bands]
        if any(a <= b for a, b in zip(mins, mins[1:], strict=False)):
            raise ValueError(f"thresholds {mins} must fall strictly from the best band to the worst")
        if bands[-1].min != 0:
            raise ValueError(f"the last band's min is {bands[-1].min}; it must be 0 so that every score gets a grade")
        names = [b.name for b in bands]
        if len(set(names)) != len(names):
            raise ValueError(f"band names {names} must be unique")
        if bands[-1].quota is not None:  # a quota demotes to the next band down; the last has none
            raise ValueError(
                f"the last band ({bands[-1].name}) has quota {bands[-1].quota:g}, but there is no band below it to demote "
                "groups to, so the quota would be ignored; remove it (quotas limit the better bands)"
            )
        return bands


class Adjustments(_Frozen):
    bonus_cap: Annotated[float, _num(0, 100)] = 5
    deduction_cap: Annotated[float, _num(0, 100)] = 20


class UncertaintyFactors(_Frozen):
    """Which sources of uncertainty the Monte Carlo analysis varies (each switchable).

    ``normalisation`` is off by default: the grade thresholds are absolute points on the
    scheme's own 0–100 scale, and under ``minmax``, ``rank`` or ``tscore`` a score means a
    place among the groups instead, so grades would move with the scale, not the evidence.
    Switch it on to study the ranking, or with thresholds meant for those methods.

    ``aggregation`` is off by default for the same reason: geometric means lower every
    score (by 3.6 points on average on the sample, up to 25) against the same fixed
    thresholds, so grades would move with the formula rather than the evidence.

    ``evidence`` draws each group's data-based indicators from their posteriors given the
    counts behind them (``ratings``, its earlier name, is accepted).
    """

    weights: bool = True
    normalisation: bool = False
    aggregation: bool = False
    evidence: bool = Field(default=True, validation_alias=AliasChoices("evidence", "ratings"))


#: The most Monte Carlo draws one analysis may take (memory grows with draws × groups).
MAX_DRAWS = 100_000


class UncertaintySettings(_Frozen):
    """The optional ``uncertainty`` section: settings of :func:`assess.uncertainty`.

    ``concentration`` is the Dirichlet concentration of each set of sibling weights (larger
    means closer to the scheme's weights); ``methods`` are the normalisations a draw picks
    from; ``sensitivity`` is the base sample size of the Sobol analysis (0 skips it).
    """

    factors: UncertaintyFactors = UncertaintyFactors()
    concentration: Annotated[float, _num(gt=0, hi=1e6)] = 50
    methods: tuple[Literal["goalposts", "minmax", "rank", "tscore"], ...] = ("goalposts", "minmax", "rank", "tscore")
    draws: Annotated[int, _int(1, MAX_DRAWS)] = 1000
    seed: Annotated[int, _int(0, 2**32 - 1)] = 0
    sensitivity: Annotated[int, _int(0, 10_000)] = 256

    @field_validator("methods")
    @classmethod
    def _methods(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("at least one normalisation method is needed; use any of goalposts, minmax, rank, tscore")
        return v


#: The plausible window's defaults: from 1 January this many years before the assessment year
#: to ``as_of`` plus this many years (the input contract (docs/reference/input.md); ``dates`` in the scheme changes them).
DEFAULT_YEARS_BEFORE = 1
DEFAULT_YEARS_AFTER = 1
#: How far outside its goalposts an office-supplied indicator may lie, in goalpost spans
#: (``goalpost_factor`` in the scheme): nearer is clipped with a warning, farther is refused.
DEFAULT_GOALPOST_FACTOR = 0.5


def _plain_date(v: Any) -> Any:
    if v is not None and (not isinstance(v, date | str) or isinstance(v, datetime)):
        raise ValueError(f"{_shown(v)} is not a date; write it as YYYY-MM-DD, e.g. 2024-01-01")
    return v


def _years_later(day: date, years: int) -> date:
    """``day`` moved by whole years (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class DateWindow(_Frozen):
    """The optional ``dates`` section: the window every date of the workbook must fall in.

    By default from 1 January of the year before the assessment year to one year after
    ``as_of``; ``years_before`` and ``years_after`` move the two ends by whole years, and
    ``earliest`` and ``latest`` fix them to a date instead (one or the other per end).
    A date outside the window is a typo (2052 for 2025) or a bare number read as a date
    (``4.4`` becomes 1900-01-04), and is refused where it stands.
    """

    years_before: Annotated[int, _int(0, 100)] | None = None
    years_after: Annotated[int, _int(0, 100)] | None = None
    earliest: Annotated[date | None, BeforeValidator(_plain_date)] = None
    latest: Annotated[date | None, BeforeValidator(_plain_date)] = None

    @model_validator(mode="after")
    def _one_per_end(self) -> DateWindow:
        errors = [
            f"give either {fixed} or {offset}, not both ({fixed} fixes the {end} date, {offset} counts years)"
            for fixed, offset, end in (("earliest", "years_before", "earliest"), ("latest", "years_after", "latest"))
            if getattr(self, fixed) is not None and getattr(self, offset) is not None
        ]
        if self.earliest is not None and self.latest is not None and not self.earliest < self.latest:
            errors.append(f"earliest {self.earliest} must come before latest {self.latest}")
        if errors:
            raise ValueError("\n".join(errors))
        return self

    def bounds(self, year: int, as_of: date) -> tuple[date, date]:
        """The first and last plausible day for assessment ``year`` read at ``as_of``."""
        before = DEFAULT_YEARS_BEFORE if self.years_before is None else self.years_before
        after = DEFAULT_YEARS_AFTER if self.years_after is None else self.years_after
        earliest = self.earliest or date(year - before, 1, 1)
        latest = self.latest or _years_later(as_of, after)
        return earliest, latest


class Scheme(_Frozen):
    """A validated scoring scheme. Build it with :func:`load_scheme` or :func:`default_scheme`."""

    name: Text = "custom"
    rating_scale: tuple[Annotated[float, _num(-1000, 1000)], Annotated[float, _num(-1000, 1000)]] = (1, 5)
    rating_prior_weight: Annotated[float, _num(0, 1000)] = 5
    rating_min_raters: Annotated[int, _int(1, 1000)] = 3
    min_coverage: Annotated[float, _num(0, 1)] = 0.65
    aggregation: Literal["arithmetic", "geometric"] = "arithmetic"
    as_of: date | None = None
    office: Text | None = None  # the assessing office's name, shown on the workbook and reports
    timezone: str = "Asia/Shanghai"  # IANA zone of the office: local dates and times in outputs
    components: dict[str, Component]
    indicators: dict[str, Indicator]
    adjustments: Adjustments = Adjustments()
    grades: Grades
    uncertainty: UncertaintySettings | None = None  # absent: the defaults of UncertaintySettings
    # Plausibility of the workbook's values, checked by intake (absent: the defaults above).
    dates: DateWindow | None = None
    goalpost_factor: Annotated[float, _num(0, 1e6)] | None = None

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{v!r} is not a known time zone; use an IANA name such as Asia/Shanghai or Europe/London"
            ) from None
        return v

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, v: Any) -> Any:
        if v is not None and not isinstance(v, date | str):
            raise ValueError(f"{_shown(v)} is not a date; write it as YYYY-MM-DD, e.g. 2025-12-31")
        return v

    @field_validator("components", "indicators", mode="before")
    @classmethod
    def _names(cls, v: Any, info: Any) -> Any:
        if isinstance(v, dict):
            kind = info.field_name.removesuffix("s")
            errors = [f"{info.field_name}.{str(k)[:60]}: {p}" for k in v if (p := _check_name(kind, k))]
            if errors:
                raise ValueError("\n".join(errors))
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Scheme:
        errors = []
        lo, hi = self.rating_scale
        if not hi > lo:
            errors.append(
                f"rating_scale: [{lo:g}, {hi:g}] is invalid; it must be [lowest, highest] with lowest < highest"
            )
        for key, ind in self.indicators.items():
            if ind.component not in self.components:
                errors.append(
                    f"indicators.{key}.component: {ind.component!r} is not a component; use one of {', '.join(self.components)}"
                )
        total = sum(c.weight for c in self.components.values())
        if not math.isclose(total, 1, abs_tol=1e-6):
            errors.append(f"components: weights sum to {total:g}, not 1; adjust them so that they add up to 1")
        for name in self.components:
            members = [k for k, i in self.indicators.items() if i.component == name]
            s = sum(self.indicators[k].weight for k in members)
            if not members:
                errors.append(f"components.{name}: no indicator belongs to it; add one or remove the component")
            elif not math.isclose(s, 1, abs_tol=1e-6):
                errors.append(
                    f"indicators of component {name} ({', '.join(members)}): weights sum to {s:g}, not 1; adjust them so that they add up to 1"
                )
        for c in self.grades.tie_break:
            if c not in self.components:
                errors.append(f"grades.tie_break: {c!r} is not a component; use any of {', '.join(self.components)}")
        if errors:
            raise ValueError("\n".join(errors))
        return self

    # ---- convenience -----------------------------------------------------------------
    @functools.cached_property
    def text(self) -> str:
        """The scheme as YAML (round-trips through :func:`load_scheme`); made once, the scheme being frozen."""
        return yaml.safe_dump(self.model_dump(mode="json", exclude_none=True), allow_unicode=True, sort_keys=False)

    @functools.cached_property
    def sha256(self) -> str:
        """SHA-256 of the canonical YAML form, so equal schemes hash equal."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def date_bounds(self, year: int, as_of: date | None = None) -> tuple[date, date]:
        """The plausible window of the workbook's dates for ``year`` (``as_of``: the scheme's, else 31 December).

        >>> default_scheme().date_bounds(2025)
        (datetime.date(2024, 1, 1), datetime.date(2026, 12, 31))
        """
        day = as_of or getattr(self, "as_of", None) or date(year, 12, 31)
        return (getattr(self, "dates", None) or DateWindow()).bounds(year, day)

    @property
    def goalpost_slack(self) -> float:
        """``goalpost_factor``, or its default: how many goalpost spans an office's value may stray."""
        factor = getattr(self, "goalpost_factor", None)
        return DEFAULT_GOALPOST_FACTOR if factor is None else factor

    @property
    def band_names(self) -> list[str]:
        """The grade bands' names, best first."""
        return [b.name for b in self.grades.bands]

    def members(self, component: str) -> list[str]:
        """The indicators of ``component``, in the scheme's order."""
        return [k for k, i in self.indicators.items() if i.component == component]

    def nominal_weights(self) -> dict[str, float]:
        """Each indicator's weight within its component × the component's weight."""
        return {k: i.weight * self.components[i.component].weight for k, i in self.indicators.items()}

    def component_label(self, name: str, lang: str = "en") -> str:
        """The display label of component ``name`` in ``lang`` (the name itself if unknown)."""
        component = self.components.get(name)
        return str(getattr(component.label, lang, "") or name) if component is not None else name

    def grade_label(self, name: str | None, lang: str = "en") -> str:
        """The display label of band ``name`` (empty for an ungraded group)."""
        for b in self.grades.bands:
            if b.name == name:
                return getattr(b.label, lang)
        return ""


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and re.fullmatch(r"[^\s.\[\]:]{1,60}", part):
            out += ("." if out else "") + part
        else:  # a key that would not read as a path (blank, with spaces, dots or colons)
            out += f"[{_shown(part)}]"
    return out


def scheme_error(exc: ValidationError, source: str) -> SchemeError:
    lines = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p not in ("function-after", "tagged-union"))
        where = _path(loc)
        msg = err["msg"].removeprefix("Value error, ")
        if not loc or all(line.startswith(f"{where}.") for line in msg.split("\n")):
            lines.extend(msg.split("\n"))  # rules over several keys already start with their key path
            continue
        if err["type"] == "missing":
            msg = "is required but missing; add it (see `assess scheme show`)"
        elif err["type"] == "extra_forbidden":
            msg = "is not a known setting; remove it or check its spelling (see `assess scheme show`)"
        elif "input" in err and err["type"] != "value_error":
            msg = f"{_shown(err['input'])} is invalid; {msg}"
        lines.append(f"{where}: {msg}")
    return SchemeError(source, lines)


def parse_scheme(data: Any, source: str = "scheme") -> Scheme:
    """Validate a plain mapping (as read from YAML) into a :class:`Scheme`."""
    if not isinstance(data, dict):
        raise SchemeError(source, [f"scheme: expected a mapping of settings, got {type(data).__name__}"])
    try:
        return Scheme.model_validate(data)
    except ValidationError as exc:
        raise scheme_error(exc, source) from None


def read_scheme_yaml(text: str, source: str = "scheme") -> Any:
    """Parse scheme YAML safely: no aliases or anchors, no duplicate keys, bounded nesting;
    errors (including characters YAML does not allow, such as NUL) as :class:`SchemeError`."""
    try:
        return read_yaml(text, aliases=False)  # checks that every character is printable
    except AliasRefused as exc:
        where = f"line {exc.mark.line + 1}, column {exc.mark.column + 1}"
        raise SchemeError(
            source,
            [
                f"{where}: YAML anchors and aliases (&name, *name, <<: *name) are not allowed in a scheme file; write each setting out in full"
            ],
        ) from None
    except DuplicateKey as exc:
        raise SchemeError(
            source,
            [
                f"line {exc.again.line + 1}, column {exc.again.column + 1}: the key {_shown(exc.key)} is written twice in one mapping "
                f"(first on line {exc.first.line + 1}); YAML would silently keep the last one — keep one and delete the other"
            ],
        ) from None
    except RecursionError:
        raise SchemeError(source, ["the YAML is nested far too deeply for a scheme file"]) from None
    except (
        yaml.YAMLError,
        ValueError,
        OverflowError,
    ) as exc:  # PyYAML raises ValueError for impossible dates such as 2025-13-45
        raise SchemeError(source, [f"not valid YAML: {exc}"]) from None


#: Normalisations whose 0–100 is a place among the groups, not an achievement.
RELATIVE_METHODS = ("minmax", "rank", "tscore")


def relative_with_absolute(scheme: Scheme) -> list[str]:
    """Located errors for indicators normalised relatively (``minmax``, ``rank``, ``tscore``)
    while the grade thresholds are absolute points (``grades.relative`` not set).

    Under ``rank`` a perfect group that merely ties the others gets 50, under ``tscore`` the
    average group gets 50 whatever it achieved: against a threshold of 90 such a score does
    not say what the band says. Empty when the grades are declared relative too.
    """
    if scheme.grades.relative:
        return []
    best = scheme.grades.bands[0]
    return [
        f"indicators.{key}.normalize.method: {ind.normalize.method} places a group among the others, but "
        f"grades.bands[0].min: {best.min:g} ({best.name}) is an absolute threshold; normalise {key} with goalposts, "
        "or declare the thresholds relative with grades.relative: true"
        for key, ind in scheme.indicators.items()
        if ind.normalize.method in RELATIVE_METHODS
    ]


def load_scheme(path: str | Path | None = None) -> Scheme:
    """Load a scheme from a YAML file; ``None`` gives the shipped default.

    Besides the rules of :class:`Scheme`, refuses relative normalisations with absolute
    grade thresholds (:func:`relative_with_absolute`).
    """
    if path is None:
        return default_scheme()
    path = Path(path)
    try:
        if path.stat().st_size > MAX_SCHEME_BYTES:
            raise SchemeError(
                str(path),
                [
                    f"the file is {path.stat().st_size:,} bytes; a scheme file is at most {MAX_SCHEME_BYTES:,} (a scheme is a few kilobytes)"
                ],
            )
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemeError(str(path), [f"cannot read the scheme file: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise SchemeError(str(path), ["cannot read the scheme file: it is not UTF-8 text; save it as UTF-8"]) from None
    scheme = parse_scheme(read_scheme_yaml(text, str(path)), str(path))
    # an office's file: relative normalisations against absolute thresholds are refused here
    # (alternatives built in code — what-if, scenarios, uncertainty draws — may compare them)
    errors = relative_with_absolute(scheme)
    if errors:
        raise SchemeError(str(path), errors)
    return scheme


@functools.cache
def default_scheme() -> Scheme:
    """The shipped default scheme, exactly the scoring rules (docs/reference/scoring.md).

    Parsed once: a :class:`Scheme` is frozen, so every caller can share the one object.
    """
    return parse_scheme(read_yaml(DEFAULT_SCHEME_TEXT), "default scheme")


def saved_scheme(data: Any) -> Scheme:
    """The scheme of a result saved by an earlier version (a plain mapping in ``meta.json``).

    Settings a later version no longer knows (``rating_leniency``, ...) are dropped rather
    than refused: the result was scored under them and its numbers stand as saved.
    """
    if isinstance(data, Scheme):
        return data
    try:
        return Scheme.model_validate(data)
    except ValidationError as exc:
        extra = [e["loc"] for e in exc.errors() if e["type"] == "extra_forbidden"]
        if not extra or len(extra) != len(exc.errors()):
            raise scheme_error(exc, "saved result") from None
        cleaned = copy.deepcopy(data)
        for loc in extra:
            node = cleaned
            for part in loc[:-1]:
                node = node[part]
            node.pop(loc[-1], None)
        return Scheme.model_validate(cleaned)
