"""zigttp:env: the contract decides which variables a handler can read."""

from __future__ import annotations

from pathlib import Path

import httpx

from . import handlers
from .conftest import StartServer

READ_ENV = """
import { env } from "zigttp:env";
export default function (request) {
  const name = request.query.name;
  const value = env(name);
  return Response.json({ name, value: value === undefined ? "<undefined>" : value });
}
"""


def test_listed_variable_is_visible_and_unlisted_is_hidden(
    start_server: StartServer,
) -> None:
    server = start_server(
        READ_ENV, env={"API_KEY": "k-1", "SECRET": "s-1"}, env_names=["API_KEY"]
    )

    listed = httpx.get(server.url + "/?name=API_KEY").json()
    hidden = httpx.get(server.url + "/?name=SECRET").json()
    unset = httpx.get(server.url + "/?name=NOT_SET").json()

    assert listed == {"name": "API_KEY", "value": "k-1"}
    assert hidden == {"name": "SECRET", "value": "<undefined>"}
    assert unset == {"name": "NOT_SET", "value": "<undefined>"}


def test_dynamic_contract_sees_every_variable(start_server: StartServer) -> None:
    server = start_server(READ_ENV, env={"SECRET": "s-1"}, env_dynamic=True)

    assert httpx.get(server.url + "/?name=SECRET").json()["value"] == "s-1"


def test_missing_variables_stop_the_start_with_exit_3(
    build_cache: Path, tmp_path: Path
) -> None:
    contract = handlers.contract_json(["B_TOKEN", "A_KEY", "PRESENT"])
    path = handlers.binary(READ_ENV, tmp_path, contract)

    result = handlers.run(path, ["-p", "0"], {**handlers.base_env(), "PRESENT": "1"})

    assert result.returncode == 3
    assert result.stderr.decode() == (
        "zigttp-handler: missing environment variables: A_KEY, B_TOKEN "
        "(set them or pass --no-env-check)\n"
    )


def test_no_env_check_starts_anyway(start_server: StartServer) -> None:
    server = start_server(READ_ENV, args=["--no-env-check"], env_names=["ABSENT"])

    assert httpx.get(server.url + "/?name=ABSENT").json()["value"] == "<undefined>"
