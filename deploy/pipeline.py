"""`zigttp deploy` as steps: prepare (prove, show the card, check .env and the
folder) before anything is sent, then open a session, check drift, build,
push, release, record, wait.

Each step reports through a Reporter (the CLI draws it). Ctrl-C at any step
becomes Interrupted (SIGTERM, raised here as SignalReceived, becomes
Terminated), whose message says what happened and what did not; the state file
is written only once a release was accepted, and whole. When that write fails
the error says the release is live and what the missing state means.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from zigttp import build as builder
from zigttp.contract import program as programs
from zigttp.contract.program import Program
from zigttp.errors import (
    ControlPlaneError,
    DriftDetected,
    InputError,
    ReviewRequired,
)
from zigttp.oci import layout, registry
from zigttp.oci.registry import PushResult
from zigttp.progress import Step

from . import card, drift, server_text, session, state
from .client import ControlPlane
from .detect import Project
from .facts import Facts, compare
from .milestones import Milestones, stopped
from .session import Session
from .state import ServiceState
from .wait import DEFAULT_READY_SECONDS, until_ready

log = logging.getLogger(__name__)

IMAGE_PATH = Path(".zigttp") / "image"
WORK_FOLDER = Path(".zigttp")
REFRESH_MARGIN_SECONDS = 60.0


class Reporter(Protocol):
    """Where the deploy tells people what it is doing."""

    def say(self, line: str) -> None: ...

    def warn(self, line: str) -> None: ...

    def build_progress(self, step: Step) -> None: ...

    def push_progress(self, step: Step) -> None: ...

    def wait_progress(self, step: Step) -> None: ...


@dataclass(frozen=True)
class Options:
    confirm: bool = False
    wait: bool = True
    ready_seconds: float = DEFAULT_READY_SECONDS
    refresh_margin: float = REFRESH_MARGIN_SECONDS


@dataclass(frozen=True)
class Prepared:
    """A project whose contract is proven and shown, ready to be sent."""

    project: Project
    previous: ServiceState | None
    contract: dict[str, Any]
    sha256: str
    facts: Facts


@dataclass(frozen=True)
class Outcome:
    """A release the control plane accepted, and whether it reported ready."""

    url: str
    digest: str
    service_id: str
    release_id: str
    ready: bool
    pushed: PushResult
    seconds: float
    waited: float


def prepare(
    project: Project, previous: ServiceState | None, report: Reporter
) -> Prepared:
    """Everything that needs no network: prove, show the card, check env and folder.

    `previous` is the last deploy's state of this service. Nothing is built or
    sent here, so every error leaves the service and the registry untouched.
    """
    try:
        return _prepare(project, previous, report)
    except KeyboardInterrupt as stop:
        raise stopped(stop, Milestones()) from None


def deploy(
    prepared: Prepared, plane: ControlPlane, options: Options, report: Reporter
) -> Outcome:
    """Ship a prepared project through `plane`."""
    progress = Milestones()
    try:
        return _steps(prepared, plane, options, report, progress)
    except KeyboardInterrupt as stop:
        raise stopped(stop, progress) from None


def _prepare(
    project: Project, previous: ServiceState | None, report: Reporter
) -> Prepared:
    program = prove(project)
    contract = program.contract.to_json()
    sha = program.contract.sha256
    facts = Facts.from_contract(contract)
    delta = compare(previous.facts if previous else None, facts)
    for line in card.lines(card.Card(project, sha, facts, delta)):
        report.say(line)

    missing = missing_env(facts, project)
    if missing:
        report.say(card.missing_env(missing))
        names = ", ".join(missing)
        them = "it" if len(missing) == 1 else "them"
        raise InputError(
            f"{project.handler_name} reads {names}, which .env does not set: add "
            f"{them} to .env (nothing was built or sent)"
        )
    check_writable(project)
    return Prepared(project, previous, contract, sha, facts)


def missing_env(facts: Facts, project: Project) -> list[str]:
    """Env names the contract reads that .env lacks; the service cannot start."""
    return [name for name in facts.env if name not in project.env]


def check_writable(project: Project) -> None:
    """Fail now, not after the release, when the deploy cannot write its files."""
    folder = project.directory / WORK_FOLDER
    probe_in = folder if folder.is_dir() else project.directory
    try:
        with tempfile.TemporaryFile(dir=probe_in):
            pass
    except OSError as error:
        raise InputError(
            f"cannot write in {probe_in}: {error.strerror or error}: deploy keeps "
            f"the image and its state in {folder}, so make that writable "
            "(nothing was built or sent)"
        ) from None


def _steps(
    prepared: Prepared,
    plane: ControlPlane,
    options: Options,
    report: Reporter,
    progress: Milestones,
) -> Outcome:
    started = time.monotonic()
    project, previous = prepared.project, prepared.previous
    contract, sha, facts = prepared.contract, prepared.sha256, prepared.facts

    progress.reached("session")
    body = session.request_body(project.service, project.region, contract, sha)
    try:
        opened = session.open_session(plane, body)
    except ReviewRequired as error:
        for line in card.review_lines(error):
            report.say(line)
        raise
    report.say(card.nothing_blocks())
    check_drift(project, previous, opened, options.confirm, report)

    progress.reached("build")
    image = build(project, sha, report)

    if opened.expires_within(options.refresh_margin):
        left = max(0.0, opened.expires_at - time.time())
        report.say(f"push credentials expire in {left:.1f} s: reopening the session")
        opened = session.refreshed(plane, body, opened)

    progress.reached("push")
    pushed = registry.push(
        image.image,
        opened.reference(image.image.digest.short),
        auth=opened.credentials(),
        progress=report.push_progress,
    )
    progress.reached("pushed")
    report.say(_pushed_line(pushed))

    progress.reached("release")
    digest = str(pushed.digest)
    service_id, url, release_id = release(plane, project, opened, digest)
    progress.reached("released", url)
    record(project, plane, opened, service_id, url, digest, facts)

    ready = False
    waited = 0.0
    if options.wait:
        progress.reached("wait", url)
        began = time.monotonic()
        until_ready(
            plane,
            service_id,
            release_id,
            url,
            options.ready_seconds,
            report.wait_progress,
        )
        waited = time.monotonic() - began
        ready = True
    return Outcome(
        url=url,
        digest=digest,
        service_id=service_id,
        release_id=release_id,
        ready=ready,
        pushed=pushed,
        seconds=time.monotonic() - started,
        waited=waited,
    )


def prove(project: Project) -> Program:
    """Load the handler and prove its contract; SourceError stops the deploy here."""
    try:
        return programs.load(project.handler)
    except OSError as error:
        raise InputError(
            f"{project.handler_name}: cannot read it: {error.strerror or error}: "
            "check that the file exists and is readable"
        ) from None


def check_drift(
    project: Project,
    previous: ServiceState | None,
    opened: Session,
    confirm: bool,
    report: Reporter,
) -> None:
    """Warn about each change; stop (exit 2) unless --confirm was given."""
    found = drift.changes(previous, opened, project.region, project.env.keys())
    for change in found:
        report.warn(f"drift: {change}")
    if found and not confirm:
        raise DriftDetected(project.service, found)
    if found:
        report.say(
            "--confirm: rebinding the state to this deploy; the old service stays"
        )


def build(project: Project, contract_sha: str, report: Reporter) -> builder.Built:
    """Build as `zigttp build` does and write it to .zigttp/image."""
    built = builder.build_image(
        project.directory,
        epoch=builder.source_date_epoch(),
        progress=report.build_progress,
    )
    if built.program.contract.sha256 != contract_sha:
        raise InputError(
            f"{project.handler_name} changed during the deploy (its contract is now "
            f"{built.program.contract.sha256[:12]}): re-run `zigttp deploy`"
        )
    try:
        layout.write(built.image, project.directory / IMAGE_PATH)
    except OSError as error:
        raise InputError(
            f"cannot write the image to {IMAGE_PATH}: {error.strerror or error}: "
            "free some space or make the folder writable, then re-run `zigttp "
            "deploy` (nothing was uploaded or released)"
        ) from None
    report.say(f"built {built.image.digest} into {IMAGE_PATH}")
    return built


def release(
    plane: ControlPlane, project: Project, opened: Session, digest: str
) -> tuple[str, str, str]:
    """(service id, URL, release id) of the accepted release."""
    answer = plane.release(
        {
            "scopeId": opened.scope_id,
            "projectName": project.service,
            "region": project.region,
            "digest": digest,
            "env": dict(project.env),
        }
    )
    service_id, url, release_id = (
        server_text.field(answer, key) for key in ("serviceId", "url", "releaseId")
    )
    if not (service_id and url and release_id):
        raise ControlPlaneError(
            "release", 202, "invalid_answer", "no serviceId, url or releaseId"
        )
    return service_id, url, release_id


def record(
    project: Project,
    plane: ControlPlane,
    opened: Session,
    service_id: str,
    url: str,
    digest: str,
    facts: Facts,
) -> Path:
    """Write this deploy into the state file (before the wait, so 3 and 4 keep it).

    The release is live by now, so a failed write says so, with the URL and
    digest, and what a folder that does not remember this release means.
    """
    entry = ServiceState(
        scope_id=opened.scope_id,
        service_id=service_id,
        region=project.region,
        plan_id=opened.plan_id,
        url=url,
        digest=digest,
        managed_env=tuple(sorted(project.env)),
        facts=facts,
        control_plane=plane.url,
    )
    try:
        return state.save(project.directory, project.service, entry)
    except (OSError, InputError) as error:
        problem = error.strerror if isinstance(error, OSError) else str(error)
        raise InputError(
            f"released {url} with {digest}, but {state.STATE_PATH} could not be "
            f"saved ({problem or error}) and the wait for ready was skipped: this "
            "folder does not remember the release, so the next deploy compares "
            "with the state before it (drift checks may warn); make .zigttp "
            "writable or free space, then re-run `zigttp deploy` (it updates the "
            "same service in place)"
        ) from None


def _pushed_line(pushed: PushResult) -> str:
    reference = replace(pushed.reference, digest=None)
    uploaded = pushed.count("uploaded") + pushed.count("mounted")
    return (
        f"pushed {reference}: {uploaded} uploaded, "
        f"{pushed.count('skipped')} skipped (already there)"
    )
