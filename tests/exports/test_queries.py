"""The export's bulk reads hold the same rules as the one-task reads they stand in for."""

from __future__ import annotations

import io

from tests.evidence import samples
from tests.exports.conftest import TODAY, add_file, document_review
from tracker.evidence import service as evidence
from tracker.evidence.queries import count_for_task
from tracker.exports import queries
from tracker.extensions import db
from tracker.records import service as records
from tracker.tasks.lights import LightPolicy, light_of
from tracker.tasks.models import Task


def test_bulk_evidence_counts_equal_count_for_task_in_every_state(app, org, work):
    task = work.review_task
    # linked to the task and to its record: one piece, counted once
    evidence.link_existing(org.users.chief, work.record_proof, task)
    # a void record's evidence proves nothing any more
    void = records.create_record(org.users.chief, task, "document_review", document_review())
    add_file(org, void, "作废记录的材料.pdf", samples.pdf() + b"% void\n")
    records.void_record(org.users.chief, void, "录入错误")
    # replaced: only the new version counts
    old = add_file(org, work.study_task, "旧版.pdf", samples.pdf() + b"% old\n")
    evidence.supersede(
        org.users.chief,
        old,
        filename="新版.pdf",
        stream=io.BytesIO(samples.pdf() + b"% new\n"),
    )
    evidence.review(org.users.coordinator, work.seal, "verified")
    db.session.commit()
    ids = [work.review_task.id, work.study_task.id, work.duty.id]
    bulk = queries.evidence_counts(ids)
    for task_id in ids:
        one = db.session.get(Task, task_id)
        assert bulk.get(task_id, (0, 0))[0] == count_for_task(one), one.title
    assert bulk[work.study_task.id][1] == 1  # the seal, verified, proves both tasks


def test_task_rows_carry_the_light_of_tracker_tasks(app, org, work):
    policy = LightPolicy(TODAY)
    for row in queries.task_rows(work.plan, policy):
        task = db.session.get(Task, row.id)
        assert row.light == light_of(task, policy), task.title


def test_every_export_reader_stops_cleanly_when_abandoned(app, work):
    policy = LightPolicy(TODAY)
    readers = [
        queries.task_rows(work.plan, policy, chunk_size=1),
        queries.update_rows(work.plan, chunk_size=1),
        queries.records_of_kind(work.plan, "document_review", chunk_size=1),
        queries.evidence_of_plan(work.plan, chunk_size=1),
        queries.archive_items(work.plan, chunk_size=1),
    ]
    for reader in readers:
        next(reader)
        reader.close()  # closes the cursor (a server-side one on PostgreSQL)
