"""`govshare evaluate --period 2026Q3 [--publish]`: compute a period's scorecards and print the ranking."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from govshare.kit.actor import Actor


def evaluate(
    period: Annotated[
        str, typer.Option("--period", help="a quarter (2026Q3), a half-year (2026H1) or a year")
    ],
    publish: Annotated[
        bool, typer.Option("--publish", help="publish the results after computing them")
    ] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="the day of computation (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Computes the evaluation of a period from the platform's records (GZ 35; ZS 34; ZZ 31) and prints the ranking."""
    from sqlalchemy import select

    from govshare.cli_support import fail, session_scope
    from govshare.governance import evaluation as ev
    from govshare.governance import evaluation_metrics as metrics
    from govshare.orgs.models import Department

    day = date.today()
    if today is not None:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            fail(f"--today: '{today}' is not a date (use YYYY-MM-DD)")
    actor = Actor.operator()
    with session_scope() as session:
        evaluation = ev.compute(session, actor=actor, period=period, today=day)
        if publish:
            ev.publish(session, actor=actor, evaluation_id=evaluation.id, today=day)
        names = {i: c for i, c in session.execute(select(Department.id, Department.code))}
        rows = ev.ranking(session, actor=actor, evaluation_id=evaluation.id)
        keys = list(evaluation.weights or {})
        typer.echo(
            f"evaluation {evaluation.period} ({evaluation.starts_on} - {evaluation.ends_on}): "
            f"{evaluation.state}, computed on {day}"
        )
        typer.echo("weights: " + ", ".join(f"{k}={w:.3f}" for k, w in evaluation.weights.items()))
        head = f"{'rank':>4}  {'department':<14} {'total':>6}  " + "  ".join(
            f"{_short(k):>6}" for k in keys
        )
        typer.echo(head)
        for r in rows:
            cells = "  ".join(
                f"{_num(r.scores[k].score if k in r.scores else None):>6}" for k in keys
            )
            total = r.total.score if r.total is not None else None
            typer.echo(
                f"{r.rank or '-':>4}  {names.get(r.department_id, str(r.department_id)):<14} "
                f"{_num(total):>6}  {cells}"
            )
        typer.echo(f"{len(rows)} department(s) scored; n/a: nothing to measure")
        typer.echo("metrics: " + ", ".join(f"{_short(k)}={metrics.METRICS[k].label}" for k in keys))


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _short(key: str) -> str:
    """A column heading: the initials of the metric's words (e.g. ait = applications_in_time)."""
    return "".join(part[0] for part in key.split("_"))
