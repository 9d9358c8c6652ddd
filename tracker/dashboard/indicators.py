"""The statutory indicators for the year-over-year page: each figure this year and the year
compared, from the ledgers the user may read, judged at each year's as-of date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tracker.records import indicators
from tracker.records.queries import ledger


@dataclass(frozen=True)
class IndicatorRow:
    indicator: indicators.Indicator
    figure: indicators.Figure
    compared: indicators.Figure

    @property
    def change(self) -> Decimal | None:
        """The change in percentage points; None when either year has no figure."""
        if self.figure.value is None or self.compared.value is None:
            return None
        return self.figure.value - self.compared.value

    @property
    def is_better(self) -> bool | None:
        if not self.change:
            return None
        return (self.change > 0) == self.indicator.higher_is_better


def indicator_rows(user, year: int, compare: int, today: date) -> list[IndicatorRow]:
    """Every indicator with a figure in either year, in the table's order."""
    by_year = {}
    for which in (year, compare):
        as_of = indicators.as_of_for_year(which, today)
        by_year[which] = {
            kind: indicators.for_kind(kind, ledger(user, kind, year=which), as_of)
            for kind in indicators.SOURCE_KINDS
        }
    rows = []
    for kind in indicators.SOURCE_KINDS:
        for figure, compared in zip(by_year[year][kind], by_year[compare][kind], strict=True):
            if figure.denominator or compared.denominator:
                rows.append(IndicatorRow(figure.indicator, figure, compared))
    return rows
