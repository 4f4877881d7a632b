"""What `zigttp deploy` ships, read from the current folder: no flags, no config.

Handler (the first of the eight conventional paths), service name (package.json,
git origin, folder name; slugified), the `.env` values and the region (--region,
else the last deploy's, else us-central). Every rule fails with its own message
before anything is built or sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from zigttp import dotenv, project
from zigttp.contract import source
from zigttp.errors import DotenvError, UsageError

from .state import ServiceState

DEFAULT_REGION = "us-central"
REGION = re.compile(r"[a-z][a-z0-9-]{0,30}")


@dataclass(frozen=True)
class Project:
    """The folder being deployed and everything read from it."""

    directory: Path
    handler: Path
    service: str
    service_origin: str
    env: Mapping[str, str] = field(repr=False)
    region: str
    region_origin: str

    @property
    def handler_name(self) -> str:
        return self.handler.relative_to(self.directory).as_posix()


def detect(
    directory: Path, region: str | None, previous: Mapping[str, ServiceState]
) -> Project:
    """Read the project in `directory`; `previous` is the state file's services."""
    directory = directory.absolute()
    handler = source.find_handler(directory)
    name = project.service_name(directory)
    env = read_env(directory)
    chosen, origin = choose_region(region, previous.get(name.slug))

    return Project(
        directory=directory,
        handler=handler,
        service=name.slug,
        service_origin=name.origin,
        env=env,
        region=chosen,
        region_origin=origin,
    )


def read_env(directory: Path) -> dict[str, str]:
    """The `.env` values; errors name the file as `.env`, the way users know it."""
    try:
        return dotenv.load(directory / ".env")
    except DotenvError as error:
        raise DotenvError(".env", error.line, error.problem) from None


def choose_region(flag: str | None, last: ServiceState | None) -> tuple[str, str]:
    """(region, where it came from): the flag, the last deploy, or the default."""
    if flag is not None:
        if not REGION.fullmatch(flag):
            raise UsageError(
                f"--region {flag!r} is not a region name: use lowercase letters, "
                "digits and '-', such as us-central"
            )
        return flag, "--region"
    if last is not None and last.region:
        return last.region, "the last deploy"
    return DEFAULT_REGION, "the default"
