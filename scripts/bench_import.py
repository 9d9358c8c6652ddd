"""Time the plan importer on a synthetic 30-page plan (about 22 lines of 28 characters a page,
page markers, a 通知 wrapper, inline enumerations, unit and deadline annotations, a table).

    .venv/bin/python scripts/bench_import.py [--pages 30] [--runs 5]
    .venv/bin/python scripts/bench_import.py --megabytes 2 --runs 3   # a 2 MB paste: < 2 s

The importer is linear in its input; the browser preview refuses more than 2 MB with a message.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.plans.importer import parse_text  # noqa: E402

CN = "一二三四五六七八九十"
UNITS = ["市司法局", "市发展改革委", "市市场监管局", "市政府办公室", "市生态环境局", "市教育局"]
DEADLINES = ["2021年6月底前", "年底前", "第三季度", "长期坚持", "每季度", "2022年3月底前"]


def synthetic_plan(pages: int) -> str:
    lines = [
        "某市人民政府办公室关于印发《某市2021年法治政府建设工作要点》的通知",
        "市政办发〔2021〕8号",
        "各县（市、区）人民政府，市人民政府各部门：",
        "《某市2021年法治政府建设工作要点》已经市人民政府同意，现印发给你们，请认真贯彻执行。",
        "某市人民政府办公室",
        "2021年3月1日",
        "某市2021年法治政府建设工作要点",
        "为深入贯彻落实习近平法治思想，扎实推进法治政府建设，结合我市实际，制定本要点。",
    ]
    target = pages * 22 * 28
    section, task, page = 0, 0, 1
    body = "推进相关领域依法行政工作，健全制度机制，强化监督检查，确保各项措施落地见效"
    while sum(len(line) for line in lines) < target:
        lines.append(f"{CN[section % 10]}、加强第{section + 1}方面法治建设")
        for sub in range(3):
            lines.append(
                f"（{CN[sub]}）完善第{sub + 1}项制度。一是{body}；二是{body}；三是{body}。"
            )
            for _ in range(4):
                task += 1
                lead, co = UNITS[task % 6], UNITS[(task + 2) % 6]
                lines.append(
                    f"{task}．落实第{task}项重点任务。{body}，{body}。（牵头单位：{lead}；"
                    f"配合单位：{co}、各县（市、区）人民政府；完成时限：{DEADLINES[task % 6]}）"
                )
                if task % 5 == 0:
                    page += 1
                    lines.append(f"- {page} -")
        section += 1
    lines += ["序号\t工作任务\t牵头单位\t完成时限"]
    lines += [
        f"{i}\t落实第{i}项表格任务。\t{UNITS[i % 6]}\t2021年{i % 12 + 1}月底前"
        for i in range(1, 30)
    ]
    lines += ["某市人民政府办公室", "2021年3月2日"]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--megabytes", type=float, default=0, help="a plan of this size (UTF-8) instead of pages"
    )
    args = parser.parse_args()
    if args.megabytes:
        # about 1,780 bytes a page: grow the page count until the text has the size asked for
        pages = max(1, int(args.megabytes * 1_000_000 / 1780))
        text = synthetic_plan(pages)
        while len(text.encode("utf-8")) < args.megabytes * 1_000_000:
            pages += max(1, pages // 50)
            text = synthetic_plan(pages)
        args.pages = pages
    else:
        text = synthetic_plan(args.pages)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        plan = parse_text(text, year=2021, units=[(u, []) for u in UNITS])
        times.append(time.perf_counter() - start)
    tasks = sum(1 for _ in plan.all_tasks())
    print(
        f"{args.pages} pages, {len(text)} characters ({len(text.encode()) / 1e6:.2f} MB), "
        f"{tasks} tasks: "
        f"median {statistics.median(times) * 1000:.0f} ms, best {min(times) * 1000:.0f} ms "
        f"over {args.runs} runs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
