"""`tracker report build` and `tracker report figures` from the console."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document


@pytest.mark.parametrize("fmt", ["docx", "html", "md", "pdf"])
def test_build_writes_each_format(org, finished, now, runner, tmp_path, fmt):
    target = tmp_path / f"report.{fmt}"
    result = runner.invoke(
        args=[
            "report",
            "build",
            "--plan",
            str(finished.plan.id),
            "--format",
            fmt,
            "-o",
            str(target),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "测试市民政局2025年度法治政府建设情况报告" in result.output
    data = target.read_bytes()
    if fmt == "docx":
        assert Document(io.BytesIO(data)).paragraphs[0].style.name == "Report Title"
    elif fmt == "pdf":
        assert data.startswith(b"%PDF-")
    elif fmt == "html":
        assert data.startswith(b"<!doctype html>") and b"@page" in data
    else:
        assert data.decode().startswith("# 测试市民政局2025年度法治政府建设情况报告")
    assert not list(tmp_path.glob(".report-*"))  # no temporary file left behind


def test_the_format_follows_the_file_name(org, finished, now, runner, tmp_path):
    target = tmp_path / "报告.md"
    result = runner.invoke(
        args=["report", "build", "--plan", str(finished.plan.id), "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("# ")


def test_markdown_to_standard_output(org, finished, now, runner):
    result = runner.invoke(
        args=["report", "build", "--plan", str(finished.plan.id), "--format", "md", "-o", "-"]
    )
    assert result.exit_code == 0
    assert result.output.startswith("# 测试市民政局2025年度法治政府建设情况报告")


def test_refusals_are_one_readable_line(org, finished, now, runner, tmp_path):
    missing = runner.invoke(args=["report", "build", "--plan", "999", "-o", str(tmp_path / "x.md")])
    assert missing.exit_code == 1 and "no plan with id 999" in missing.output
    assert "Traceback" not in missing.output
    unknown = runner.invoke(
        args=["report", "build", "--plan", str(finished.plan.id), "-o", str(tmp_path / "x.txt")]
    )
    assert unknown.exit_code == 2 and "give --format" in unknown.output
    nowhere = runner.invoke(
        args=[
            "report",
            "build",
            "--plan",
            str(finished.plan.id),
            "-o",
            str(tmp_path / "no" / "x.md"),
        ]
    )
    assert nowhere.exit_code == 1 and "no such directory" in nowhere.output


def test_figures_with_their_sources(org, finished, now, runner):
    result = runner.invoke(
        args=["report", "figures", "--plan", str(finished.plan.id), "--format", "json"]
    )
    assert result.exit_code == 0
    rows = json.loads(result.output)
    reviews = next(r for r in rows if r["label"] == "规范性文件合法性审查")
    assert (reviews["value"], reviews["unit"]) == ("3", "份")
    assert reviews["record_ids"] == finished.review_record_ids
    assert reviews["task_ids"] == [finished.reviews.id]
    assert reviews["part"] == "一、2025年推进法治政府建设的主要举措和成效"
    text = runner.invoke(args=["report", "figures", "--plan", str(finished.plan.id)])
    assert "3份\t规范性文件合法性审查\trecords" in text.output
    assert "warning: arrangements no_next_plan" in text.output
