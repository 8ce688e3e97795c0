"""Creating country plans and the portfolio report, on SQLite and PostgreSQL, next to a raw bulk INSERT.

    python bench/tracking.py [--plans 200] [--scale 200,500,1000] [--postgres URL]

For each database: (1) create N plans through the service (one transaction each: diagnosis, plan, tasks);
(2) the baseline: the same rows written with one raw executemany INSERT per table; (3) the portfolio
report (roll-up in SQL + Markdown rendering) at several sizes. Reports are diagnosed before timing (see
bench/diagnose.py for that cost). Targets (issue 4): (1) at most 3x (2); the report under 1 s at 200
plans, growing no faster than linearly to 1,000. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import string
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, text
from sqlmodel import Session

from cer.content import get_content
from cer.content.countries import Country
from cer.db import tables
from cer.db.engine import make_engine
from cer.db.migrate import upgrade
from cer.services.diagnosis import Report, read_answers, run
from cer.services.plans import create_plan, task_row
from cer.services.reports import portfolio_report
from cer.views import reports
from diagnostics.answers import AnswerSet

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TODAY = dt.date(2027, 6, 1)


def fake_codes(n: int) -> list[str]:
    letters = string.ascii_uppercase
    return [f"{a}{b}{c}" for a, b, c in itertools.islice(itertools.product("QXZ", letters, letters), n)]


def reports_for(n: int) -> list[tuple[Report, AnswerSet]]:
    content = get_content()
    base = []
    for name in ("malawi", "somalia", "viet_nam"):
        answer_set = read_answers(EXAMPLES / f"{name}.yaml")
        base.append(
            (run(content, answer_set, country=None, start=dt.date(2027, 1, 15), draft=False), answer_set)
        )
    out = []
    for i, code in enumerate(fake_codes(n)):
        report, answer_set = base[i % 3]
        out.append((dataclasses.replace(report, country=Country(code, f"Country {code}")), answer_set))
    return out


@contextmanager
def database(kind: str, postgres_url: str) -> Iterator[Engine]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            upgrade(url)
            engine = make_engine(url)
            yield engine
            engine.dispose()
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(postgres_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        with engine.begin() as connection:
            upgrade(postgres_url, connection)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def create_through_service(engine: Engine, batch: list[tuple[Report, AnswerSet]]) -> float:
    start = time.perf_counter()
    with Session(engine) as session:
        for report, answer_set in batch:
            create_plan(session=session, report=report, answer_set=answer_set, by="bench")
    return time.perf_counter() - start


def raw_insert(engine: Engine, batch: list[tuple[Report, AnswerSet]]) -> float:
    """The same rows, one executemany INSERT per table, in one transaction; ids assigned up front."""
    countries = [{"code": r.country.code, "name": r.country.name} for r, _ in batch]
    diagnoses, plans, tasks = [], [], []
    for i, (report, answer_set) in enumerate(batch, start=1):
        diagnoses.append(
            {
                "id": i,
                "country_code": report.country.code,
                "questionnaire_version": "2026.1",
                "content_version": report.content_version,
                "answers": answer_set.answers | {},
                "overrides": [],
                "complete": True,
                "created_by": "raw",
                "created_at": dt.datetime.now(dt.UTC),
            }
        )
        plans.append(
            {
                "id": i,
                "country_code": report.country.code,
                "diagnosis_id": i,
                "start": report.plan.start,
                "end": report.plan.end,
                "questionnaire_version": "2026.1",
                "content_version": "x",
                "workstreams": [],
                "created_by": "raw",
                "created_at": dt.datetime.now(dt.UTC),
            }
        )
        tasks += [task_row(i, t).model_dump(exclude={"id"}) for t in report.plan.tasks]
    for d in diagnoses:
        d["answers"] = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in d["answers"].items()}
    start = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(tables.CountryRow), countries)
        connection.execute(insert(tables.DiagnosisRow), diagnoses)
        connection.execute(insert(tables.PlanRow), plans)
        connection.execute(insert(tables.TaskRow), tasks)
    return time.perf_counter() - start


def report_time(engine: Engine) -> float:
    start = time.perf_counter()
    with Session(engine) as session:
        reports.render_portfolio(portfolio_report(session=session, today=TODAY), get_content(), "md")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--scale", default="200,500,1000")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    sizes = [int(s) for s in args.scale.split(",")]
    batch = reports_for(max([args.plans, *sizes]))
    tasks = sum(len(r.plan.tasks) for r, _ in batch[: args.plans])
    print(f"{args.plans} plans, {tasks} tasks (diagnosed before timing)")
    for kind in ("sqlite", "postgresql"):
        with database(kind, args.postgres) as engine:
            service = create_through_service(engine, batch[: args.plans])
        with database(kind, args.postgres) as engine:
            raw = raw_insert(engine, batch[: args.plans])
        verdict = "met" if service <= 3 * raw else "MISSED"
        print(
            f"\n{kind}: create through the service {service:.2f} s · raw bulk INSERT {raw:.2f} s · "
            f"ratio {service / raw:.1f}x (target <= 3x: {verdict})"
        )
        with database(kind, args.postgres) as engine:
            done = 0
            for size in sizes:
                create_more(engine, batch[done:size])
                done = size
                print(f"  portfolio report at {size:>5} plans: {report_time(engine) * 1000:7.1f} ms")


def create_more(engine: Engine, batch: list[tuple[Report, AnswerSet]]) -> None:
    with Session(engine) as session:
        for report, answer_set in batch:
            create_plan(session=session, report=report, answer_set=answer_set, by="bench")


if __name__ == "__main__":
    main()
