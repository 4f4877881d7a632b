"""Turn a registry's error answer into a RegistryError with its codes and a hint."""

from __future__ import annotations

import json

import httpx

from zigttp.errors import RegistryAuthError, RegistryError
from zigttp.oci import challenge

# Answers that say "not now" rather than "no": worth another try after a wait.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

ASK_FOR_CREDENTIALS = (
    "the registry wants credentials: pass --username with --password-stdin, "
    "or set ZIGTTP_REGISTRY_USERNAME and ZIGTTP_REGISTRY_PASSWORD"
)
_HINTS = {
    401: "check the registry username and password",
    403: "the credentials are valid but lack the access this needs",
    404: "check the registry host, repository and tag",
    413: "the registry refuses bodies this large; push with a smaller chunk size",
    429: "the registry asks to slow down; try again in a while",
}


def registry_error(
    response: httpx.Response, action: str, tries: int = 1, anonymous: bool = False
) -> RegistryError:
    """The error for an answer we cannot use, saying what the registry said.

    `anonymous` says no credentials were sent, which changes what a 401 means.
    """
    codes, messages = _error_body(response)
    hint = _HINTS.get(response.status_code, "")
    if response.status_code == 401:
        hint = _unauthorized_hint(response, anonymous)
    if response.status_code >= 500:
        hint = "the registry failed; try again later"
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


def _unauthorized_hint(response: httpx.Response, anonymous: bool) -> str:
    if anonymous:
        return ASK_FOR_CREDENTIALS
    for value in response.headers.get_list("www-authenticate"):
        for offer in challenge.parse(value):
            if offer.params.get("error") == "insufficient_scope":
                wanted = " ".join(offer.scopes) or "this repository"
                return f"the credentials are valid but lack the rights for {wanted}"
    return _HINTS[401]


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
            codes.append(str(error.get("code", "")).strip())
            messages.append(str(error.get("message", "")).strip())
    return [c for c in codes if c], [m for m in messages if m]
