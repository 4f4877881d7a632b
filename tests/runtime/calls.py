"""A handler that calls one virtual module's functions with arguments it is sent.

Table tests post {"call": NAME, "args": [...]} and get back what the function
returned, so one binary serves a whole table.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from .handlers import Server

CALLER = """
import * as module from "zigttp:NAME";

export default function handler(request) {
  const { call, args } = request.json();
  let value;
  try {
    value = module[call](...args);
  } catch (error) {
    return Response.json({ threw: error.name, message: error.message });
  }
  const type = typeof value;
  return Response.json({ type, value: value === undefined ? null : value });
}
"""


class Undefined:
    """What a call answered with undefined (JSON has no such value)."""

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = Undefined()


@dataclass(frozen=True)
class Threw:
    """The call threw: the error's name and message."""

    name: str
    message: str


def caller(module: str) -> str:
    """The caller handler's source for zigttp:`module`."""
    return CALLER.replace("NAME", module)


def call(server: Server, function: str, *args: object) -> object:
    """What `function(*args)` returned in the handler (or a Threw)."""
    answer = httpx.post(
        server.url + "/", json={"call": function, "args": list(args)}, timeout=30
    ).json()
    if "threw" in answer:
        return Threw(answer["threw"], answer["message"])
    return UNDEFINED if answer["type"] == "undefined" else answer["value"]
