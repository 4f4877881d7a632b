"""`zigttp login` and `zigttp logout`, and the sign-in every networked command uses."""

from __future__ import annotations

import os
import sys
import webbrowser

import click

from zigttp.deploy import credentials, device
from zigttp.deploy.client import ControlPlane
from zigttp.errors import SignInRequired, UsageError

from . import output

NO_BROWSER_VARIABLE = "ZIGTTP_NO_BROWSER"


def interactive() -> bool:
    return sys.stdin.isatty()


def signed_in() -> ControlPlane:
    """The control plane with a verified token: saved, ZIGTTP_TOKEN, or asked for.

    A token the control plane rejects leads back to sign-in on a terminal, and to
    a message saying how to sign in everywhere else.
    """
    with ControlPlane.from_environment() as plane:
        saved = credentials.load()
        if saved is not None:
            accepted = verified_saved(plane, saved)
            if accepted is not None:
                return accepted
        elif not interactive():
            raise SignInRequired(
                "not signed in, and stdin is not a terminal to ask on: run "
                "`zigttp login --token-stdin` with a token on stdin (or set "
                "ZIGTTP_TOKEN)"
            )
        return plane.with_token(ask(plane))


def verified_saved(
    plane: ControlPlane, saved: credentials.SignIn
) -> ControlPlane | None:
    """The plane as the saved token's owner; None when a person may sign in again."""
    if not saved.from_environment:
        warn_if_exposed()
    authed = plane.with_token(saved.token)
    try:
        authed.verify_token()
        return authed
    except SignInRequired:
        authed.close()

    if saved.from_environment:
        raise SignInRequired(
            f"{plane.url} rejected the token in {credentials.TOKEN_VARIABLE} "
            "(expired or revoked): set a valid token, or unset it and run "
            "`zigttp login`"
        )
    if not interactive():
        raise SignInRequired(
            f"{plane.url} rejected the saved access token (expired or revoked): "
            "sign in again with `zigttp login`, or pipe a new token to "
            "`zigttp login --token-stdin`"
        )
    output.warn(
        "the saved access token was rejected (expired or revoked): sign in again"
    )
    return None


def ask(plane: ControlPlane) -> str:
    """Hidden token prompt; an empty answer starts browser sign-in. Saves it."""
    answer = click.prompt(
        "Access token (press Enter to sign in with a browser)",
        hide_input=True,
        default="",
        show_default=False,
        err=True,
    )
    token = str(answer).strip()
    if token:
        email = verified(plane, token)
    else:
        token, email = device_sign_in(plane)
    save(plane, token, email)
    return token


def verified(plane: ControlPlane, token: str) -> str:
    """The token's email; a refused token saves nothing."""
    with plane.with_token(token) as authed:
        try:
            return authed.verify_token()
        except SignInRequired:
            raise SignInRequired(
                f"{plane.url} rejected that access token: check it and try again "
                "(nothing was saved)"
            ) from None


def device_sign_in(plane: ControlPlane) -> tuple[str, str]:
    """Show the URL and code, open the browser when there is one, wait for approval."""
    code = device.start(plane)
    output.say(
        f"to sign in, open {code.verification_url} and enter the code {code.user_code}"
    )
    if open_browser(code.verification_url):
        output.say("opened the page in your browser")
    output.say(f"waiting for approval (the code expires in {code.expires_in:.0f} s)...")

    approved = device.wait_for_approval(plane, code)
    return approved.token, verified(plane, approved.token) or approved.email


def open_browser(url: str) -> bool:
    """Open `url` unless ZIGTTP_NO_BROWSER is set or there is no display."""
    if os.environ.get(NO_BROWSER_VARIABLE, "") not in ("", "0"):
        return False
    graphical = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    # Without a display, webbrowser would start a text browser in this terminal.
    if sys.platform.startswith("linux") and not graphical:
        return False
    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False


def save(plane: ControlPlane, token: str, email: str) -> None:
    where = credentials.save(token, email)
    output.say(f"signed in to {plane.url} as {email or 'unknown'}; saved to {where}")
    if os.environ.get(credentials.TOKEN_VARIABLE):
        output.warn(
            f"{credentials.TOKEN_VARIABLE} is set and is used instead of the saved "
            "token"
        )


def warn_if_exposed() -> None:
    problem = credentials.exposure()
    if problem:
        output.warn(f"{problem}: run `chmod 600 {credentials.path()}`")


@click.command()
@click.option(
    "--token-stdin", is_flag=True, help="Read the access token from stdin (one line)."
)
@click.option(
    "--device", "use_device", is_flag=True, help="Sign in with a browser and a code."
)
def login(token_stdin: bool, use_device: bool) -> None:
    """Sign in to the control plane; the token is checked, then saved.

    On a terminal it asks for an access token (hidden); an empty answer
    starts browser sign-in. The token is saved to $ZIGTTP_HOME/credentials
    (~/.zigttp/credentials), readable only by you.

    \b
    Examples:
      zigttp login
      printf '%s\\n' "$TOKEN" | zigttp login --token-stdin
      zigttp login --device
    """
    if token_stdin and use_device:
        raise UsageError("--token-stdin and --device do not go together: pick one")
    problem = credentials.exposure()
    if problem:
        output.warn(f"{problem}: signing in replaces it with a private file")

    with ControlPlane.from_environment() as plane:
        if token_stdin:
            token = read_token(sys.stdin.readline())
            save(plane, token, verified(plane, token))
        elif use_device:
            save(plane, *device_sign_in(plane))
        elif interactive():
            ask(plane)
        else:
            raise UsageError(
                "stdin is not a terminal: pipe a token to `zigttp login "
                "--token-stdin`, or use `zigttp login --device`"
            )


def read_token(line: str) -> str:
    token = line.strip()
    if not token:
        raise UsageError(
            "--token-stdin read no token: pipe one in, e.g. "
            "printf '%s\\n' \"$TOKEN\" | zigttp login --token-stdin"
        )
    return token


@click.command()
def logout() -> None:
    """Forget the saved sign-in (the next deploy asks again).

    \b
    Example:
      zigttp logout
    """
    removed = credentials.delete()
    where = credentials.path()
    if removed:
        output.say(f"signed out: removed {where}")
    else:
        output.say(f"signed out: there was no saved sign-in at {where}")
    if os.environ.get(credentials.TOKEN_VARIABLE):
        output.warn(
            f"{credentials.TOKEN_VARIABLE} is still set and signs you in: unset it too"
        )
