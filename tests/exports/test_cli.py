"""`tracker export xlsx|evidence`: the same files as the web, audited; errors in one line."""

from __future__ import annotations

import zipfile

from tests.exports.conftest import load_workbook, rows_by_header, text
from tests.factories import audit_actions, last_audit_id
from tracker.core import storage


def test_export_xlsx_writes_the_workbook_and_records_it(app, runner, work, tmp_path):
    target = tmp_path / "合规导出.xlsx"
    since = last_audit_id()
    result = runner.invoke(
        args=["export", "xlsx", "--plan", str(work.plan.id), "-o", str(target), "--locale", "en"]
    )
    assert result.exit_code == 0, result.output
    # the plan's three tasks and the reporting task that publishing the plan added to it
    assert result.output.startswith(f"wrote {target}: 4 tasks, ")
    book = load_workbook(target.read_bytes())
    assert book.sheetnames[1] == "Tasks"
    assert len(rows_by_header(book["Tasks"])) == 4
    assert audit_actions(since) == ["export.xlsx"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_export_evidence_writes_the_archive(app, runner, work, tmp_path):
    target = tmp_path / "evidence.zip"
    since = last_audit_id()
    result = runner.invoke(
        args=["export", "evidence", "--plan", str(work.plan.id), "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().startswith(f"wrote {target}: 5 files")
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        assert any(name.endswith("/manifest.csv") for name in archive.namelist())
    assert audit_actions(since) == ["export.evidence"]


def test_an_unknown_plan_is_one_line_and_a_failure(app, runner, tmp_path):
    result = runner.invoke(args=["export", "xlsx", "--plan", "999", "-o", str(tmp_path / "x")])
    assert result.exit_code != 0
    assert result.output.strip() == "Error: no plan with id 999"
    assert not (tmp_path / "x").exists()


def test_a_missing_folder_is_one_line_and_a_failure(app, runner, work, tmp_path):
    target = tmp_path / "no" / "such" / "x.xlsx"
    result = runner.invoke(args=["export", "xlsx", "--plan", str(work.plan.id), "-o", str(target)])
    assert result.exit_code != 0
    assert result.output.strip().startswith("Error: ")
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_missing_evidence_files_make_the_command_fail_after_writing(app, runner, work, tmp_path):
    storage.blob_path(work.seal.sha256).unlink()
    target = tmp_path / "evidence.zip"
    result = runner.invoke(
        args=["export", "evidence", "--plan", str(work.plan.id), "-o", str(target)]
    )
    assert result.exit_code == 1
    assert "1 missing from the store" in result.output
    assert target.exists()


def test_a_sheet_that_could_not_be_completed_makes_the_command_fail(
    app, runner, work, tmp_path, monkeypatch
):
    """The workbook is written (the inspector still gets the rest, marked INCOMPLETE on the About
    sheet) but the command says what failed and exits 1: no silent failure at size."""
    from tracker.exports import sources

    def broken(plan):
        raise RuntimeError("builder bug")

    monkeypatch.setattr(sources, "report_for_plan", broken)
    target = tmp_path / "workbook.xlsx"
    result = runner.invoke(args=["export", "xlsx", "--plan", str(work.plan.id), "-o", str(target)])
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: the sheet 'Report sources' is incomplete")
    about = {
        text(r["Item"]): text(r["Value"])
        for r in rows_by_header(load_workbook(target.read_bytes())["About"])
    }
    assert "could not be built" in about["INCOMPLETE sheet “Report sources”"]
