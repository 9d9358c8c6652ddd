"""The report as a print-ready HTML page, and as PDF rendered from that page by WeasyPrint."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from flask import current_app, render_template

from tracker.reports import layout
from tracker.reports.builder import Report

STYLESHEET = "css/report-print.css"


@cache
def _stylesheet(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def stylesheet() -> str:
    """The print stylesheet's text, for pages that must carry their styles with them."""
    return _stylesheet(str(Path(current_app.static_folder) / STYLESHEET))


def render_html(report: Report, *, inline_css: bool = True) -> str:
    """The whole report as one HTML page; with `inline_css` it needs no other file."""
    page = render_template(
        "reports/print.html",
        report=report,
        inline_css=stylesheet() if inline_css else None,
        indents=layout.signature_indents(report.signatory, report.signed_on_text),
    )
    return page.lstrip()


def render_pdf(report: Report) -> bytes:
    """The same page as PDF: A4 with the GB/T 9704 margins and page numbers, the official
    fonts replaced by Noto CJK where they are not installed."""
    from weasyprint import HTML  # imported here: loading Pango takes a while

    # WeasyPrint reports each CSS rule it skips and each font it substitutes at WARNING level
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    html = HTML(string=render_html(report), base_url=current_app.static_folder)
    return html.write_pdf()
