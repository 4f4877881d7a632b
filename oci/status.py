"""Turn a registry's error answer into a RegistryError with its codes and a hint."""

from __future__ import annotations

import json

import httpx

from zigttp.errors import RegistryAuthError, RegistryError
from zigttp.oci import challenge
from zigttp.untrusted import printable

# Answers that say "not now" rather than "no": worth another try after a wait.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

ASK_FOR_CREDENTIALS = (
    "the registry wants credentials: pass --username with --password-stdin, "
    "or set ZIGTTP_REGISTRY_USERNAME and ZIGTTP_REGISTRY_PASSWORD"
)
# A registry's error text past this length is cut: one line, not a page.
_LONGEST = 300
_HINTS = {
    401: "check the registry username and password",
    403: "the credentials are valid but lack the access this needs",
    404: "check the registry host, repository and tag",
    413: "the registry refuses bodies this large; push with a smaller chunk size",
    429: "the registry asks to slow down; try again in a while",
}


def registry_error(
    response: httpx.Response,
    action: str,
    *,
    tries: int = 1,
    anonymous: bool = False,
    login: str = "",
    hint: str = "",
) -> RegistryError:
    """The error for an answer we cannot use, saying what the registry said.

    `anonymous` says no credentials were sent, which changes what a 401 means;
    `login` is what to tell a person refused with 401: where the credentials
    sent came from, or how to give some (see `unauthorized`).
    `hint` replaces the advice that goes with the status.
    """
    codes, messages = _error_body(response)
    if not hint:
        hint = _hint(response, anonymous, login)
    if tries > 1:
        hint = f"gave up after {tries} tries; {hint}"
    detail = "; ".join(part for part in (", ".join(messages), hint) if part)

    kind = RegistryAuthError if response.status_code in (401, 403) else RegistryError
    return kind(
        action,
        response.status_code,
        codes=codes,
        detail=detail,
        retryable=response.status_code in RETRY_STATUSES,
    )


def unauthorized(source: str | None, unused: str = "") -> str:
    """What to tell a person refused with 401.

    `source` says where the credentials sent came from (None: none were sent);
    `unused` names credentials that exist but that zigttp cannot read.
    """
    if source is None:
        return f"{ASK_FOR_CREDENTIALS} ({unused})" if unused else ASK_FOR_CREDENTIALS
    return f"{_HINTS[401]} (they came from {source})"


def _hint(response: httpx.Response, anonymous: bool, login: str) -> str:
    if response.status_code >= 500:
        return "the registry failed; try again later"
    if response.status_code != 401:
        return _HINTS.get(response.status_code, "")

    if anonymous:
        return login or ASK_FOR_CREDENTIALS
    for value in response.headers.get_list("www-authenticate"):
        for offer in challenge.parse(value):
            if offer.params.get("error") == "insufficient_scope":
                wanted = " ".join(offer.scopes) or "this repository"
                return f"the credentials are valid but lack the rights for {wanted}"
    return login or _HINTS[401]


def _error_body(response: httpx.Response) -> tuple[list[str], list[str]]:
    """Codes and messages from `{"errors": [{"code", "message"}]}`, if present."""
    try:
        body = json.loads(response.content or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return [], []

    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return [], []

    codes, messages = [], []
    for error in errors:
        if isinstance(error, dict):
            codes.append(printable(str(error.get("code", "")).strip()[:_LONGEST]))
            messages.append(printable(str(error.get("message", "")).strip()[:_LONGEST]))
    return [c for c in codes if c], [m for m in messages if m]
