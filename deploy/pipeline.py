"""`zigttp deploy` as steps: prove, open a session, check drift, build, push,
release, record, wait.

Each step reports through a Reporter (the CLI draws it). Ctrl-C at any step
becomes Interrupted, whose message says what happened and what did not; the
state file is written only once a release was accepted, and whole.
"""

from __future__ import annotations

import logging
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
    Interrupted,
    ReviewRequired,
)
from zigttp.oci import layout, registry
from zigttp.oci.registry import PushResult
from zigttp.progress import Step

from . import card, drift, session, state
from .client import ControlPlane
from .detect import Project
from .facts import Facts, compare
from .session import Session
from .state import ServiceState
from .wait import DEFAULT_READY_SECONDS, until_ready

log = logging.getLogger(__name__)

IMAGE_PATH = Path(".zigttp") / "image"
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
class Outcome:
    """A release the control plane accepted, and whether it reported ready."""

    url: str
    digest: str
    service_id: str
    release_id: str
    ready: bool
    pushed: PushResult
    seconds: float


def deploy(
    project: Project,
    plane: ControlPlane,
    previous: ServiceState | None,
    options: Options,
    report: Reporter,
) -> Outcome:
    """Ship `project` through `plane`; `previous` is its last deploy's state."""
    progress = _Progress()
    try:
        return _steps(project, plane, previous, options, report, progress)
    except KeyboardInterrupt:
        raise Interrupted(progress.interrupted()) from None


def _steps(
    project: Project,
    plane: ControlPlane,
    previous: ServiceState | None,
    options: Options,
    report: Reporter,
    progress: _Progress,
) -> Outcome:
    started = time.monotonic()

    program = prove(project)
    contract = program.contract.to_json()
    sha = program.contract.sha256
    facts = Facts.from_contract(contract)
    delta = compare(previous.facts if previous else None, facts)
    for line in card.lines(card.Card(project, sha, facts, delta)):
        report.say(line)

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
        report.say(f"push credentials expire in {left:.0f} s: reopening the session")
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
    service_id, url, release_id = release(plane, project, opened, str(pushed.digest))
    progress.reached("released", url)
    record(project, plane, opened, service_id, url, str(pushed.digest), facts)

    ready = False
    if options.wait:
        progress.reached("wait", url)
        until_ready(
            plane,
            service_id,
            release_id,
            url,
            options.ready_seconds,
            report.wait_progress,
        )
        ready = True
    return Outcome(
        url=url,
        digest=str(pushed.digest),
        service_id=service_id,
        release_id=release_id,
        ready=ready,
        pushed=pushed,
        seconds=time.monotonic() - started,
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
    layout.write(built.image, project.directory / IMAGE_PATH)
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
    found = [answer.get(key) for key in ("serviceId", "url", "releaseId")]
    if not all(isinstance(value, str) and value for value in found):
        raise ControlPlaneError(
            "release", 202, "invalid_answer", "no serviceId, url or releaseId"
        )
    return str(found[0]), str(found[1]), str(found[2])


def record(
    project: Project,
    plane: ControlPlane,
    opened: Session,
    service_id: str,
    url: str,
    digest: str,
    facts: Facts,
) -> Path:
    """Write this deploy into the state file (before the wait, so 3 and 4 keep it)."""
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
    return state.save(project.directory, project.service, entry)


def _pushed_line(pushed: PushResult) -> str:
    reference = replace(pushed.reference, digest=None)
    uploaded = pushed.count("uploaded") + pushed.count("mounted")
    return (
        f"pushed {reference}: {uploaded} uploaded, "
        f"{pushed.count('skipped')} skipped (already there)"
    )


class _Progress:
    """How far the deploy got, to say what an interrupt left behind."""

    _MESSAGES: dict[str, str] = {
        "prove": "interrupted before anything was sent: nothing changed",
        "session": "interrupted while opening the deploy session: nothing was "
        "uploaded or released",
        "build": "interrupted while building: nothing was uploaded or released",
        "push": "interrupted during push: part of the image may be in the "
        "registry, nothing was released",
        "pushed": "interrupted after push: the image is in the registry, nothing "
        "was released",
        "release": "interrupted while releasing: the release may or may not have "
        "been accepted; re-run `zigttp deploy` (it updates in place)",
        "released": "interrupted after the release was accepted: {url} is being "
        "updated; re-run `zigttp deploy` if the state file was not written",
        "wait": "interrupted while waiting for ready: the release was accepted "
        "and the state saved; {url} may still come up",
    }

    def __init__(self) -> None:
        self.stage = "prove"
        self.url = ""

    def reached(self, stage: str, url: str = "") -> None:
        log.debug("deploy step: %s", stage)
        self.stage = stage
        self.url = url or self.url

    def interrupted(self) -> str:
        details: dict[str, Any] = {"url": self.url or "the service"}
        return self._MESSAGES[self.stage].format(**details)
