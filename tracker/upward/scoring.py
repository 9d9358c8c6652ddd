"""The 考核 scheme as data, and how each kind of indicator turns figures into points. Pure: no
Flask, no database (queries.py measures, service.py stores).

An indicator is a dict: `key` (unique in the scheme), `name`, `kind` (INDICATOR_KINDS),
`weight` (the most points it gives), and for `overdue_deduction` `per_item` (points taken per
overdue task), for `report_on_time` `late_share` (the share of the weight a late report keeps).
"""

from __future__ import annotations

import re

INDICATOR_KINDS = (
    "completion_rate",  # 完成率: weight × done / tasks
    "on_time_rate",  # 按时完成率: weight × done on time / done
    "overdue_deduction",  # 逾期扣分: weight − per_item × overdue tasks, not below 0
    "report_on_time",  # 年度报告按时报送: weight on time, × late_share late, 0 not sent
    "statutory",  # 法定指标 (records.indicators, e.g. 负责人出庭率): weight × the share, or
    # × (100 − share) where lower is better; a bureau with nothing counted keeps the weight
    "manual",  # 人工评分: the office scores it by hand, with a note and evidence
)
AUTOMATIC_KINDS = tuple(k for k in INDICATOR_KINDS if k != "manual")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class SchemeError(ValueError):
    """The scheme is not valid; the message says why (English; translated by the caller)."""


def _number(value, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SchemeError(f"{what} must be a number") from None
    if number < 0 or number > 1000:
        raise SchemeError(f"{what} must be between 0 and 1000")
    return number


def normalise(indicators, statutory_keys=()) -> list[dict]:
    """Check a scheme's indicators and return them in canonical form; SchemeError otherwise.
    `statutory_keys`: the statutory indicators a `statutory` item may name."""
    if not isinstance(indicators, list) or not indicators:
        raise SchemeError("the scheme needs at least one indicator")
    seen: set[str] = set()
    result = []
    for index, item in enumerate(indicators, start=1):
        if not isinstance(item, dict):
            raise SchemeError(f"indicator {index} is not an object")
        key, kind = str(item.get("key", "")), item.get("kind")
        if not _KEY.match(key):
            raise SchemeError(f"indicator {index}: key must be lowercase letters, digits, _")
        if key in seen:
            raise SchemeError(f"indicator {index}: key {key} is used twice")
        seen.add(key)
        if kind not in INDICATOR_KINDS:
            raise SchemeError(f"indicator {index}: unknown kind {kind!r}")
        name = str(item.get("name", "")).strip()
        if not name or len(name) > 100:
            raise SchemeError(f"indicator {index}: a name of 1 to 100 characters is needed")
        clean = {
            "key": key,
            "name": name,
            "kind": kind,
            "weight": _number(item.get("weight"), f"indicator {index}: weight"),
        }
        if kind == "overdue_deduction":
            clean["per_item"] = _number(item.get("per_item", 1), f"indicator {index}: per_item")
        if kind == "report_on_time":
            share = _number(item.get("late_share", 0.5), f"indicator {index}: late_share")
            if share > 1:
                raise SchemeError(f"indicator {index}: late_share must be between 0 and 1")
            clean["late_share"] = share
        if kind == "statutory":
            name_of = str(item.get("indicator", ""))
            if name_of not in statutory_keys:
                raise SchemeError(f"indicator {index}: unknown statutory indicator {name_of!r}")
            clean["indicator"] = name_of
        result.append(clean)
    return result


def total_weight(indicators: list[dict]) -> float:
    return round(sum(float(i["weight"]) for i in indicators), 2)


def measure_and_score(
    indicator: dict, figures, report, statutory=None
) -> tuple[float | None, float]:
    """(measured value, points) of an automatic indicator for one bureau.

    `figures` has total, done, done_on_time, overdue; `report` has state and late;
    `statutory` maps a statutory indicator's key to its figure (value, higher_is_better)."""
    weight, kind = float(indicator["weight"]), indicator["kind"]
    if kind == "statutory":
        figure = (statutory or {}).get(indicator["indicator"])
        if figure is None or figure.value is None:
            return None, weight  # nothing counted: nothing against the bureau
        share = float(figure.value)
        kept = share if figure.indicator.higher_is_better else 100.0 - share
        return share, round(weight * kept / 100, 2)
    if kind == "completion_rate":
        rate = 100.0 * figures.done / figures.total if figures.total else 0.0
        return round(rate, 1), round(weight * rate / 100, 2)
    if kind == "on_time_rate":
        rate = 100.0 * figures.done_on_time / figures.done if figures.done else 0.0
        return round(rate, 1), round(weight * rate / 100, 2)
    if kind == "overdue_deduction":
        points = max(weight - float(indicator["per_item"]) * figures.overdue, 0.0)
        return float(figures.overdue), round(points, 2)
    if kind == "report_on_time":
        if report.state == "not_submitted":
            return 0.0, 0.0
        if report.late:
            return 0.0, round(weight * float(indicator["late_share"]), 2)
        return 1.0, weight
    raise ValueError(kind)
