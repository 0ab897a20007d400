"""The scoring scheme: a YAML file validated into a typed, frozen object (DESIGN §3).

Every rule of the scoring — components, indicators, weights, normalisation, aggregation,
adjustment caps and grade bands — is a setting here. Errors name the key path, the bad
value and the fix, e.g. ``grades.bands[0].quota: 1.5 is invalid; ...``.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import SchemeError

__all__ = ["Scheme", "UncertaintySettings", "load_scheme", "default_scheme", "DEFAULT_SCHEME_TEXT", "BUILTIN_INDICATORS"]

#: Indicators computed by :mod:`assess.indicators` (DESIGN §3).
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

DEFAULT_SCHEME_TEXT: str = files("assess").joinpath("default_scheme.yaml").read_text(encoding="utf-8")

_TOL = 1e-9


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Label(_Frozen):
    en: str
    zh: str


class Normalize(_Frozen):
    method: Literal["goalposts", "minmax", "rank", "tscore"] = "goalposts"
    bounds: tuple[float, float] | None = None

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
    weight: float = Field(gt=0, le=1)
    label: Label


class Indicator(_Frozen):
    component: str
    weight: float = Field(gt=0, le=1)
    direction: Literal["higher", "lower"] = "higher"
    normalize: Normalize = Normalize()


class Band(_Frozen):
    name: str
    min: float = Field(ge=0, le=100)
    quota: float | None = None
    label: Label

    @field_validator("quota")
    @classmethod
    def _quota(cls, v: float | None) -> float | None:
        if v is not None and not 0 <= v <= 1:
            raise ValueError(f"{v} is invalid; a quota is a share between 0 and 1")
        return v


class Grades(_Frozen):
    bands: tuple[Band, ...]
    quota_rounding: Literal["floor", "round", "ceil"] = "floor"
    ties: Literal["demote", "admit"] = "demote"
    tie_break: tuple[str, ...] = ()

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
        return bands


class Adjustments(_Frozen):
    bonus_cap: float = Field(default=5, ge=0)
    deduction_cap: float = Field(default=20, ge=0)


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
    concentration: float = Field(default=50, gt=0)
    methods: tuple[Literal["goalposts", "minmax", "rank", "tscore"], ...] = ("goalposts", "minmax", "rank", "tscore")
    draws: int = Field(default=1000, ge=1, le=MAX_DRAWS)
    seed: int = Field(default=0, ge=0)
    sensitivity: int = Field(default=256, ge=0)

    @field_validator("methods")
    @classmethod
    def _methods(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("at least one normalisation method is needed; use any of goalposts, minmax, rank, tscore")
        return v


class Scheme(_Frozen):
    """A validated scoring scheme. Build it with :func:`load_scheme` or :func:`default_scheme`."""

    name: str = "custom"
    rating_scale: tuple[float, float] = (1, 5)
    rating_prior_weight: float = Field(default=5, ge=0)
    rating_min_raters: int = Field(default=3, ge=1)
    min_coverage: float = Field(default=0.65, ge=0, le=1)
    aggregation: Literal["arithmetic", "geometric"] = "arithmetic"
    as_of: date | None = None
    components: dict[str, Component]
    indicators: dict[str, Indicator]
    adjustments: Adjustments = Adjustments()
    grades: Grades
    uncertainty: UncertaintySettings | None = None  # absent: the defaults of UncertaintySettings

    @model_validator(mode="after")
    def _consistent(self) -> Scheme:
        errors = []
        lo, hi = self.rating_scale
        if not hi > lo:
            errors.append(f"rating_scale: [{lo:g}, {hi:g}] is invalid; it must be [lowest, highest] with lowest < highest")
        for key, ind in self.indicators.items():
            if ind.component not in self.components:
                errors.append(f"indicators.{key}.component: {ind.component!r} is not a component; use one of {', '.join(self.components)}")
        total = sum(c.weight for c in self.components.values())
        if not math.isclose(total, 1, abs_tol=1e-6):
            errors.append(f"components: weights sum to {total:g}, not 1; adjust them so that they add up to 1")
        for name in self.components:
            members = [k for k, i in self.indicators.items() if i.component == name]
            s = sum(self.indicators[k].weight for k in members)
            if not members:
                errors.append(f"components.{name}: no indicator belongs to it; add one or remove the component")
            elif not math.isclose(s, 1, abs_tol=1e-6):
                errors.append(f"indicators of component {name} ({', '.join(members)}): weights sum to {s:g}, not 1; adjust them so that they add up to 1")
        for c in self.grades.tie_break:
            if c not in self.components:
                errors.append(f"grades.tie_break: {c!r} is not a component; use any of {', '.join(self.components)}")
        if errors:
            raise ValueError("\n".join(errors))
        return self

    # ---- convenience -----------------------------------------------------------------
    @property
    def text(self) -> str:
        """The scheme as YAML (round-trips through :func:`load_scheme`)."""
        return yaml.safe_dump(self.model_dump(mode="json", exclude_none=True), allow_unicode=True, sort_keys=False)

    @property
    def sha256(self) -> str:
        """SHA-256 of the canonical YAML form, so equal schemes hash equal."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

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
        else:
            out += ("." if out else "") + str(part)
    return out


def _scheme_error(exc: ValidationError, source: str) -> SchemeError:
    lines = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p not in ("function-after", "tagged-union"))
        where = _path(loc)
        msg = err["msg"].removeprefix("Value error, ")
        if not where:  # whole-scheme rules already start with their key path
            lines.extend(msg.split("\n"))
            continue
        if err["type"] == "missing":
            msg = "is required but missing; add it (see `assess scheme show`)"
        elif err["type"] == "extra_forbidden":
            msg = "is not a known setting; remove it or check its spelling (see `assess scheme show`)"
        elif "input" in err and err["type"] != "value_error":
            msg = f"{err['input']!r} is invalid; {msg}"
        lines.append(f"{where}: {msg}")
    return SchemeError(source, lines)


def parse_scheme(data: Any, source: str = "scheme") -> Scheme:
    """Validate a plain mapping (as read from YAML) into a :class:`Scheme`."""
    if not isinstance(data, dict):
        raise SchemeError(source, [f"scheme: expected a mapping of settings, got {type(data).__name__}"])
    try:
        return Scheme.model_validate(data)
    except ValidationError as exc:
        raise _scheme_error(exc, source) from None


def load_scheme(path: str | Path | None = None) -> Scheme:
    """Load a scheme from a YAML file; ``None`` gives the shipped default."""
    if path is None:
        return default_scheme()
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SchemeError(str(path), [f"cannot read the scheme file: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise SchemeError(str(path), ["cannot read the scheme file: it is not UTF-8 text; save it as UTF-8"]) from None
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for impossible dates such as 2025-13-45
        raise SchemeError(str(path), [f"not valid YAML: {exc}"]) from None
    return parse_scheme(data, str(path))


def default_scheme() -> Scheme:
    """The shipped default scheme, exactly DESIGN §3."""
    return parse_scheme(yaml.safe_load(DEFAULT_SCHEME_TEXT), "default scheme")
