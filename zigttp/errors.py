"""Every error zigttp raises on purpose, in one tree.

    ZigttpError                     exit 1 unless a subclass says otherwise
    ├── UsageError                  flags that do not fit together
    ├── InputError                  the user's files: project, handler, .env
    │   ├── HandlerNotFound         no handler file at any of the paths tried
    │   ├── SourceError             file:line:col diagnostics from parse or compile
    │   └── DotenvError             .env:LINE: what is wrong
    ├── ToolchainError              zig, engine sources, the runtime build
    │   └── CompilerFailed          a compiler run that failed, with its output
    ├── ImageError                  reading or writing an OCI image
    │   └── DigestMismatch          a rebuilt image differs from the one expected
    ├── TransportError              no response: refused, reset, timed out
    ├── RegistryError               a registry answered with an error status
    │   └── RegistryAuthError       401/403 from the registry or its token server
    ├── ControlPlaneError           the control plane answered with an error status
    │   └── SignInRequired          no usable credentials
    └── DeployStopped               a deploy that stopped on purpose, with its own exit
        ├── DriftDetected           exit 2: scope, region, plan or env changed
        ├── ReadyTimeout            exit 3: released, but not ready in time
        ├── ServiceFailed           exit 4: the service failed to start
        ├── ReviewRequired          exit 5: a person must approve the plan
        ├── Superseded              exit 6: a newer release replaced ours
        └── Interrupted             exit 130: Ctrl-C, saying what did happen
            └── Terminated          exit 143: SIGTERM, the same message

Library code raises these and never prints or exits; the CLI turns them into a
one-line message on stderr and the exit code the class carries.
"""

from __future__ import annotations

import signal
from collections.abc import Sequence

from zigttp.untrusted import printable


class ZigttpError(Exception):
    """Base of all expected failures: a message for people and an exit code."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(ZigttpError):
    """Command-line arguments that contradict each other or make no sense."""


class InputError(ZigttpError):
    """Something wrong with the user's project files."""


class HandlerNotFound(InputError):
    """No handler at any of the conventional paths."""

    def __init__(self, directory: str, tried: Sequence[str]) -> None:
        self.directory = directory
        self.tried = list(tried)
        listed = ", ".join(self.tried)
        super().__init__(
            f"no handler found in {directory} (tried {listed}): "
            "create handler.ts, or another name on that list"
        )


class SourceError(InputError):
    """A diagnostic that points at a place in a source file."""

    def __init__(self, path: str, line: int, column: int, problem: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.problem = problem
        super().__init__(printable(f"{path}:{line}:{column}: {problem}"))


class DotenvError(InputError):
    """A .env line that is neither blank, a comment nor KEY=value."""

    def __init__(self, path: str, line: int, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        super().__init__(f"{path}:{line}: {problem}")


class ToolchainError(ZigttpError):
    """The compiler, the engine sources or the runtime build failed."""


class CompilerFailed(ToolchainError):
    """A compiler run that exited non-zero; carries what it printed."""

    def __init__(self, what: str, returncode: int, output: str) -> None:
        self.what = what
        self.returncode = returncode
        self.output = output
        tail = "\n".join(output.strip().splitlines()[-20:])
        how = f"exit {returncode}"
        if returncode < 0:
            name = signal.Signals(-returncode).name if -returncode in _SIGNALS else "?"
            how = f"killed by {name}; out of disk space or memory?"
        super().__init__(f"{what} failed ({how}):\n{tail}".rstrip(":\n"))


_SIGNALS = {number.value for number in signal.Signals}


class ImageError(ZigttpError):
    """An OCI image that cannot be read or written."""


class DigestMismatch(ImageError):
    """The rebuilt image differs from the digest the caller expected."""

    def __init__(self, expected: str, actual: str, differences: Sequence[str]) -> None:
        self.expected = expected
        self.actual = actual
        self.differences = list(differences)
        where = "; ".join(self.differences) or "no blob differs in what was compared"
        super().__init__(f"digest {actual} differs from expected {expected}: {where}")


class TransportError(ZigttpError):
    """No usable response: connection refused or reset, DNS failure, timeout."""

    retryable = True

    def __init__(self, action: str, url: str, reason: str) -> None:
        self.action = action
        self.url = url
        self.reason = reason
        super().__init__(f"{action}: cannot reach {url}: {reason}")


class RegistryError(ZigttpError):
    """A registry answered with an error status."""

    def __init__(
        self,
        action: str,
        status: int,
        codes: Sequence[str] = (),
        detail: str = "",
        retryable: bool = False,
    ) -> None:
        self.action = action
        self.status = status
        self.codes = list(codes)
        self.detail = detail
        self.retryable = retryable
        said = " ".join(part for part in (" ".join(self.codes), detail) if part)
        message = f"{action}: registry answered {status}"
        super().__init__(f"{message}: {said}" if said else message)


class RegistryAuthError(RegistryError):
    """The registry or its token server refused our credentials or scope."""


class ControlPlaneError(ZigttpError):
    """The control plane answered with an error status."""

    def __init__(self, action: str, status: int, code: str, detail: str) -> None:
        self.action = action
        self.status = status
        self.code = code
        self.detail = detail
        super().__init__(f"{action}: control plane answered {status}: {detail or code}")


class SignInRequired(ControlPlaneError):
    """No credentials, or the control plane rejected the stored ones."""

    def __init__(self, detail: str) -> None:
        super().__init__("sign in", 401, "unauthorized", detail)
        self.message = detail
        self.args = (detail,)


class DeployStopped(ZigttpError):
    """A deploy that stopped on purpose; each kind has its own exit code."""


class DriftDetected(DeployStopped):
    """The service's binding changed since the last deploy; nothing was touched."""

    exit_code = 2

    def __init__(self, service: str, changes: Sequence[str]) -> None:
        self.service = service
        self.changes = list(changes)
        count = len(self.changes)
        super().__init__(
            f"{service} drifted since its last deploy ({count} "
            f"change{'' if count == 1 else 's'}: {'; '.join(self.changes)}); "
            "nothing was changed: re-run with `zigttp deploy --confirm` to "
            "proceed (the old service is kept)"
        )


class ReadyTimeout(DeployStopped):
    """The release was accepted but the service did not report ready in time."""

    exit_code = 3

    def __init__(self, url: str, seconds: float, last_seen: str) -> None:
        self.url = url
        self.seconds = seconds
        self.last_seen = last_seen
        super().__init__(
            f"{url} did not report ready within {seconds:.1f} s (last seen: "
            f"{last_seen}); the release was made and the state saved: check the "
            "URL later, or re-run `zigttp deploy`"
        )


class ServiceFailed(DeployStopped):
    """The service reported that it failed to start; carries its last log lines."""

    exit_code = 4

    def __init__(self, url: str, reason: str, log_tail: Sequence[str]) -> None:
        self.url = url
        self.reason = reason
        self.log_tail = list(log_tail)
        message = f"{url} failed to start: {reason or 'no reason given'}"
        if self.log_tail:
            shown = "\n".join(f"  | {line}" for line in self.log_tail)
            message += f"\nlast log lines:\n{shown}"
        super().__init__(message)


class ReviewRequired(DeployStopped):
    """The contract adds capabilities that a person must approve before deploying."""

    exit_code = 5

    def __init__(
        self,
        plan_id: str,
        review_url: str,
        covered: Sequence[str],
        uncovered: Sequence[str],
    ) -> None:
        self.plan_id = plan_id
        self.review_url = review_url
        self.covered = list(covered)
        self.uncovered = list(uncovered)
        super().__init__(
            f"plan {plan_id} needs approval ({len(self.uncovered)} "
            f"capabilit{'y' if len(self.uncovered) == 1 else 'ies'}): review it at "
            f"{review_url} or with `zigttp review {plan_id}`, then re-run "
            "`zigttp deploy`"
        )


class Superseded(DeployStopped):
    """While we waited, the service moved on to a release newer than ours."""

    exit_code = 6

    def __init__(self, url: str, ours: str, newer: str) -> None:
        self.url = url
        self.ours = ours
        self.newer = newer
        super().__init__(
            f"superseded by {newer}: another deploy released {url} after ours "
            f"({ours}), so ours will not serve; the state file records ours: "
            "re-run `zigttp deploy` if this folder's handler should be the one "
            "running"
        )


class Interrupted(DeployStopped):
    """Ctrl-C during a deploy; the message says what did and did not happen."""

    exit_code = 130


class Terminated(Interrupted):
    """SIGTERM during a deploy: stops like Ctrl-C, with the signal's own exit."""

    exit_code = 143
