"""`zigttp review`, `zigttp grants` and `zigttp revoke-grant`: decide plans here."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from zigttp.deploy import review as reviews
from zigttp.deploy.review import Grant, Plan
from zigttp.errors import UsageError

from . import output
from .login import signed_in

NAME_WIDTH = 10


@click.command()
@click.argument("plan_id")
@click.option("--approve", is_flag=True, help="Approve the plan (this contract once).")
@click.option(
    "--grant",
    is_flag=True,
    help="With --approve: also grant these capabilities for later deploys.",
)
@click.option("--reject", is_flag=True, help="Reject the plan.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def review(
    plan_id: str, approve: bool, grant: bool, reject: bool, as_json: bool
) -> None:
    """Show the review plan PLAN_ID, or approve or reject it.

    \b
    Examples:
      zigttp review pln_0123abcd
      zigttp review pln_0123abcd --approve
      zigttp review pln_0123abcd --approve --grant
      zigttp review pln_0123abcd --reject
    """
    if approve and reject:
        raise UsageError("--approve and --reject do not go together: pick one")
    if grant and not approve:
        raise UsageError(
            "--grant goes with --approve: zigttp review ID --approve --grant"
        )

    with signed_in() as plane:
        if not (approve or reject):
            shown = reviews.show(plane, plan_id)
            print_plan(shown, as_json)
            if shown.status == "expired":
                output.warn("this plan expired: re-run `zigttp deploy` for a new one")
            return
        decided, made = reviews.decide(plane, plan_id, approve, grant)

    if as_json:
        output.result(json.dumps(decided.to_json(), indent=2))
    if made is not None:
        output.say(
            f"approved plan {decided.plan_id} and granted "
            f"{len(made.capabilities)} capabilit"
            f"{'y' if len(made.capabilities) == 1 else 'ies'} to "
            f"{made.project} as {made.grant_id}; re-run `zigttp deploy`",
            fg="green",
        )
        if not as_json:
            output.result(made.grant_id)
    elif approve:
        output.say(
            f"approved plan {decided.plan_id} once; re-run `zigttp deploy`", fg="green"
        )
    else:
        output.say(f"rejected plan {decided.plan_id}")


def print_plan(plan: Plan, as_json: bool) -> None:
    if as_json:
        output.result(json.dumps(plan.to_json(), indent=2))
        return

    rows = [
        ("plan", plan.plan_id),
        ("project", plan.project),
        ("status", plan.status),
        ("created", plan.created_at),
        ("expires", plan.expires_at),
        ("baseline", plan.baseline_sha or "none"),
        ("proposed", plan.proposed_sha),
    ]
    lines = [f"{name:<{NAME_WIDTH}}{value}" for name, value in rows]
    lines.append("reasons")
    width = max((len(reason.text) for reason in plan.reasons), default=0)
    lines += [f"  {reason.text:<{width}}  {reason.mark}" for reason in plan.reasons]
    lines.append(f"{'review':<{NAME_WIDTH}}{plan.review_url}")
    output.result("\n".join(lines))


@click.command()
@click.argument("project", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the grants as JSON.")
def grants(project: str | None, as_json: bool) -> None:
    """List capability grants, of every project or of PROJECT.

    --json prints them with the API's keys (grantId, projectName, ...).

    \b
    Examples:
      zigttp grants
      zigttp grants hello
    """
    with signed_in() as plane:
        found = reviews.grants(plane, project)

    if as_json:
        output.result(json.dumps([item.to_json() for item in found], indent=2))
        return
    if not found:
        output.say(f"no grants{f' for {project}' if project else ''}")
        return
    output.result(table(found))


def table(found: Sequence[Grant]) -> str:
    """ID, PROJECT, CAPABILITIES, CREATED, EXPIRES; a revoked grant says so."""
    header = ("ID", "PROJECT", "CAPABILITIES", "CREATED", "EXPIRES")
    rows = [
        (
            item.grant_id,
            item.project,
            "; ".join(item.capabilities),
            item.created_at,
            f"revoked {item.revoked_at}"
            if item.revoked_at
            else item.expires_at or "never",
        )
        for item in found
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in [header, *rows]
    )


@click.command("revoke-grant")
@click.argument("grant_id")
def revoke_grant(grant_id: str) -> None:
    """Revoke the grant GRANT_ID: its capabilities need review again.

    \b
    Example:
      zigttp revoke-grant grt_0123abcd
    """
    with signed_in() as plane:
        revoked = reviews.revoke(plane, grant_id)
    output.say(
        f"revoked grant {revoked.grant_id} of {revoked.project}: "
        f"{'; '.join(revoked.capabilities) or 'no capabilities'} need review again"
    )
