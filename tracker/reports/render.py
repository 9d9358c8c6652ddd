"""The annual report as a file in each download format (the page's downloads and `tracker report
build` write the same bytes)."""

from __future__ import annotations

from tracker.reports.builder import Report
from tracker.reports.render_html import render_html, render_pdf
from tracker.reports.render_md import render_md

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html",  # werkzeug adds "; charset=utf-8" to text types
    "md": "text/markdown",
}


def render(report: Report, fmt: str) -> bytes:
    """The report in one of FORMATS, as bytes."""
    if fmt == "docx":
        from tracker.reports.render_docx import render_docx  # python-docx, only when asked

        return render_docx(report)
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "md":
        return render_md(report).encode("utf-8")
    raise ValueError(fmt)
