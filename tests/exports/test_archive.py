"""The evidence archive: folders per section and task, original (Chinese) names de-duplicated,
a manifest whose hashes match the files, and bytes that flow before the archive is complete."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tracemalloc
import zipfile

import pytest

from tests.evidence import samples
from tests.exports.conftest import MANIFEST_KEYS, add_file
from tracker.core import clock, storage
from tracker.exports import archive
from tracker.exports.archive import ArchiveResult, safe_name, stream_evidence_archive, unique_name
from tracker.extensions import db


def build(plan) -> tuple[zipfile.ZipFile, ArchiveResult]:
    result = ArchiveResult()
    data = b"".join(stream_evidence_archive(plan, result=result))
    return zipfile.ZipFile(io.BytesIO(data)), result


def manifest_of(zf: zipfile.ZipFile, root: str) -> list[dict]:
    text = zf.read(f"{root}/manifest.csv").decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows[0]) == len(MANIFEST_KEYS)
    return [dict(zip(MANIFEST_KEYS, row, strict=True)) for row in rows[1:]]


def named(item, name: str, record=None) -> str:
    """A file's name in the archive: the day of its record (else of its upload), the record,
    the name it was uploaded with."""
    if record is not None:
        return f"{record.occurred_on.isoformat()} record {record.id} {name}"
    return f"{clock.to_local(item.uploaded_at).date().isoformat()} {name}"


def test_the_manifest_hashes_match_the_files_in_the_archive(app, work):
    zf, result = build(work.plan)
    assert zf.testzip() is None
    root = archive.root_folder(work.plan)
    rows = manifest_of(zf, root)
    assert rows
    for row in rows:
        content = zf.read(f"{root}/{row['path']}")
        assert hashlib.sha256(content).hexdigest() == row["sha256"]
        assert len(content) == int(row["size"])
        assert row["check"] == "Matches the recorded checksum"
    # the same hashes as the store recorded at upload
    recorded = {e.id: e.sha256 for e in (work.report_a, work.report_b, work.seal)}
    for row in rows:
        if int(row["evidence_id"]) in recorded:
            assert row["sha256"] == recorded[int(row["evidence_id"])]
    sums = zf.read(f"{root}/SHA256SUMS").decode("utf-8").splitlines()
    for line in sums:
        digest, path = line.split("  ", 1)
        assert hashlib.sha256(zf.read(f"{root}/{path}")).hexdigest() == digest
    assert result.complete and result.files == len(sums) == 5 and not result.missing


def test_folders_per_section_and_task_with_names_as_uploaded(app, work):
    zf, _result = build(work.plan)
    root = archive.root_folder(work.plan)
    names = sorted(info.filename for info in zf.infolist())
    top = f"{root}/一、加强组织领导，推进法治建设"
    review = f"{top}/（一）健全体制机制，依法履行职能/一是 落实规范性文件合法性审查制度"
    study = f"{top}/二是 开展法治宣传"
    report = named(work.report_a, "审查报告.pdf")
    report_b = named(work.report_b, "审查报告 (2).pdf")
    seal = named(work.seal, "公章.png")
    opinion_name = named(work.record_proof, "合法性审查意见书.pdf", work.record)
    assert f"{review}/{report}" in names
    assert f"{review}/{report_b}" in names  # two files of one name on one day: both kept
    assert f"{review}/{seal}" in names and f"{study}/{seal}" in names  # proves both tasks
    assert f"{review}/{opinion_name}" in names  # through the task's record, named for it
    assert not any("作废的材料" in n for n in names)  # withdrawn: history, not proof
    chinese = next(i for i in zf.infolist() if i.filename.endswith("公章.png"))
    assert chinese.flag_bits & 0x800  # names stored as UTF-8
    rows = {r["path"]: r for r in manifest_of(zf, root)}
    opinion = rows[review.removeprefix(f"{root}/") + "/" + opinion_name]
    assert opinion["record_id"] == str(work.record.id)
    assert opinion["task_id"] == str(work.review_task.id)
    second = rows[review.removeprefix(f"{root}/") + "/" + report_b]
    assert second["review"] == "Rejected"
    assert {"README.txt", "manifest.csv", "SHA256SUMS"} <= {n.rsplit("/", 1)[-1] for n in names}


def test_a_file_linked_to_a_task_and_its_record_is_written_once_there(app, org, work, db):
    from tracker.evidence import service as evidence

    evidence.link_existing(org.users.chief, work.record_proof, work.review_task)
    db.session.commit()
    zf, _result = build(work.plan)
    opinions = [i for i in zf.infolist() if "合法性审查意见书" in i.filename]
    assert len(opinions) == 1
    rows = [r for r in manifest_of(zf, archive.root_folder(work.plan)) if "意见书" in r["path"]]
    assert len(rows) == 2 and {r["record_id"] for r in rows} == {"", str(work.record.id)}


def test_a_missing_blob_is_reported_not_fatal(app, work):
    os.chmod(storage.blob_path(work.seal.sha256), 0o600)
    storage.blob_path(work.seal.sha256).unlink()
    zf, result = build(work.plan)
    assert result.missing == [work.seal.id]
    root = archive.root_folder(work.plan)
    missing = [r for r in manifest_of(zf, root) if r["evidence_id"] == str(work.seal.id)]
    assert missing and all(
        r["check"] == "Missing from the store" and r["path"] == "" for r in missing
    )
    assert "公章" not in " ".join(zf.namelist())
    assert str(work.seal.id) in zf.read(f"{root}/README.txt").decode("utf-8")


def test_manifest_fields_that_would_be_formulas_are_neutralised(app, org, work):
    add_file(org, work.study_task, "=HYPERLINK(1).pdf", samples.pdf() + b"% formula\n")
    db.session.commit()
    zf, _result = build(work.plan)
    rows = manifest_of(zf, archive.root_folder(work.plan))
    row = next(r for r in rows if "HYPERLINK" in r["path"])
    assert row["title"].startswith("'=")
    # the path itself starts with the section folder, so it is never a formula
    assert not row["path"].startswith(("=", "'"))


def test_the_archive_streams_in_small_pieces_before_it_is_complete(app, org, work):
    big = samples.pdf() + os.urandom(3 * 1024 * 1024)  # incompressible
    add_file(org, work.study_task, "大文件一.pdf", big)
    add_file(org, work.study_task, "大文件二.pdf", samples.pdf() + os.urandom(3 * 1024 * 1024))
    db.session.commit()
    result = ArchiveResult()
    pieces = stream_evidence_archive(work.plan, result=result)
    sizes = []
    first = next(pieces)
    sizes.append(len(first))
    assert not result.complete  # bytes are out before the archive is finished
    tracemalloc.start()
    try:
        for piece in pieces:
            sizes.append(len(piece))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.complete
    assert sum(sizes) > 6 * 1024 * 1024
    assert len(sizes) > 90  # 64 KiB blocks
    assert max(sizes) < 256 * 1024
    # the archive is more than 6 MiB; what it holds at any moment is a few blocks
    assert peak < 1.5 * 1024 * 1024, peak


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("报告.pdf", "报告.pdf"),
        ('a/b\\c:d*e?f"g<h>i|j.txt', "a_b_c_d_e_f_g_h_i_j.txt"),
        ("..", "fallback"),
        ("CON.txt", "_CON.txt"),
        ("trailing. ", "trailing"),
        ("tab\there", "tab_here"),
    ],
)
def test_names_are_safe_everywhere(name, expected):
    assert safe_name(name, "fallback", is_file=True) == expected


def test_long_names_are_shortened_keeping_the_suffix():
    name = safe_name("很长的文件名" * 40 + ".pdf", "x", is_file=True)
    assert name.endswith("….pdf") and len(name.encode("utf-8")) <= archive.MAX_NAME_BYTES


def test_unique_names_number_the_second_and_later_copies():
    used: set[str] = set()
    assert [unique_name(used, n) for n in ["a.pdf", "A.PDF", "a.pdf", "a (2).pdf", "b"]] == [
        "a.pdf",
        "A (2).PDF",
        "a (3).pdf",
        "a (2) (2).pdf",
        "b",
    ]


def test_the_manifest_speaks_chinese(app, work):
    from flask_babel import force_locale

    with force_locale("zh_Hans_CN"):
        zf, _result = build(work.plan)
        root = archive.root_folder(work.plan)
    text = zf.read(f"{root}/manifest.csv").decode("utf-8")[1:]
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert not [h for h in header if h.isascii()], header
    assert len(set(header)) == len(header), header
    values = {(row[11], row[12]) for row in rows}
    assert {("已退回", "与登记的校验值一致"), ("待审核", "与登记的校验值一致")} <= values
    assert not {"ok", "verified", "pending", "rejected"} & {v for pair in values for v in pair}


def test_principal_duties_and_the_reporting_task_have_folders_named_for_them(app, org, work, db):
    from tests.factories import reporting_task

    add_file(org, work.duty, "学法记录.pdf", samples.pdf() + b"% duty\n")
    add_file(org, reporting_task(work.plan), "报送回执.pdf", samples.pdf() + b"% receipt\n")
    db.session.commit()
    zf, _result = build(work.plan)
    folders = {name.split("/")[1] for name in zf.namelist()}
    assert "Principal duties of the bureau's head" in folders
    assert "Submission and publication of the annual report" in folders
    assert "Outside any section" not in folders


def test_the_signed_report_and_its_history_are_in_the_archive(app, org, work, db):
    from datetime import date

    from tracker.reports import service as reports

    zf, result = build(work.plan)
    root = archive.root_folder(work.plan)
    assert "not signed yet" in zf.read(f"{root}/README.txt").decode("utf-8")
    reports.save_part(org.users.coordinator, work.plan, "other", "其他情况说明。", note="补充")
    reports.save_signature(
        org.users.coordinator, work.plan, signatory="测试市民政局", signed_on=date(2026, 7, 15)
    )
    db.session.commit()
    zf, result = build(work.plan)
    folder = f"{root}/Annual report (signed)"
    names = {n.removeprefix(folder + "/") for n in zf.namelist() if n.startswith(folder)}
    title = "测试市民政局2026年度法治政府建设情况报告"
    assert names == {f"{title}.docx", f"{title}.pdf", "Revision history of the report.csv"}
    assert zf.read(f"{folder}/{title}.pdf").startswith(b"%PDF")
    assert zf.read(f"{folder}/{title}.docx").startswith(b"PK")
    history = zf.read(f"{folder}/Revision history of the report.csv").decode("utf-8-sig")
    assert "其他情况说明。" in history and "补充" in history
    sums = zf.read(f"{root}/SHA256SUMS").decode("utf-8")
    assert f"Annual report (signed)/{title}.pdf" in sums
    assert result.complete and result.report_problem is None
