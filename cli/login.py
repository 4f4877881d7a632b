"""`zigttp login` and `zigttp logout`, and the sign-in every networked command uses."""

from __future__ import annotations

import os
import sys
import webbrowser

import click

from zigttp.deploy import credentials, device
from zigttp.deploy.client import ControlPlane, control_plane_url
from zigttp.errors import InputError, SignInRequired, UsageError

from . import output

NO_BROWSER_VARIABLE = "ZIGTTP_NO_BROWSER"


def interactive() -> bool:
    return sys.stdin.isatty()


def signed_in() -> ControlPlane:
    """The control plane with a verified token: saved, ZIGTTP_TOKEN, or asked for."""
    return verified_sign_in(local_sign_in())


def local_sign_in() -> credentials.SignIn | None:
    """What can be checked without the network: the control plane URL, and a
    saved or ZIGTTP_TOKEN sign-in (None: ask on the terminal). Without either a
    sign-in or a terminal, say how to sign in."""
    control_plane_url()
    saved = credentials.load()
    if saved is None and not interactive():
        raise SignInRequired(
            "not signed in, and stdin is not a terminal to ask on: run "
            "`zigttp login --token-stdin` with a token on stdin (or set "
            "ZIGTTP_TOKEN)"
        )
    return saved


def verified_sign_in(saved: credentials.SignIn | None) -> ControlPlane:
    """The control plane as the owner of `saved`, once the control plane accepts it.

    A token the control plane rejects leads back to sign-in on a terminal, and to
    a message saying how to sign in everywhere else.
    """
    with ControlPlane.from_environment() as plane:
        if saved is not None:
            accepted = verified_saved(plane, saved)
            if accepted is not None:
                return accepted
        return plane.with_token(ask(plane, keep_going=True))


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


def ask(plane: ControlPlane, keep_going: bool = False) -> str:
    """Hidden token prompt; an empty answer starts browser sign-in. Saves it.

    With `keep_going` (a command that only needs to be signed in), a token that
    cannot be saved is a warning: the command goes on, and the next one asks again.
    """
    token = hidden_token("Access token (press Enter to sign in with a browser)")
    if token:
        credentials.check_token(
            token, "that access token", "paste the token alone (nothing was sent)"
        )
        email = verified(plane, token)
    else:
        token, email = device_sign_in(plane)
    try:
        save(plane, token, email)
    except InputError as error:
        if not keep_going:
            raise
        output.warn(f"{error.message}; signed in for this command only")
    return token


def hidden_token(prompt: str) -> str:
    """One answer typed on the terminal without echo, blanks around it removed."""
    answer = click.prompt(
        prompt, hide_input=True, default="", show_default=False, err=True
    )
    return str(answer).strip()


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
    output.say(f"waiting for approval (the code expires in {code.expires_in:.1f} s)...")

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
    unusable = credentials.home_problem()
    if unusable:
        raise InputError(f"cannot sign in: {unusable}: {credentials.HOME_FIX}")
    problem = credentials.exposure()
    if problem:
        output.warn(f"{problem}: signing in replaces it with a private file")

    with ControlPlane.from_environment() as plane:
        if token_stdin:
            token = read_token(stdin_token())
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


def stdin_token() -> str:
    """One line of stdin; on a terminal it is typed hidden, like the prompt."""
    if interactive():
        return hidden_token("Access token")
    # Bytes, so that a line that is not UTF-8 meets the token check, not a
    # decoding error.
    return sys.stdin.buffer.readline().decode("utf-8", "replace")


def read_token(line: str) -> str:
    token = line.strip()
    if not token:
        raise UsageError(
            "--token-stdin read no token: pipe one in, e.g. "
            "printf '%s\\n' \"$TOKEN\" | zigttp login --token-stdin"
        )
    return credentials.check_token(
        token,
        "the token read by --token-stdin",
        "give the token alone on one line (nothing was sent or saved)",
    )


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
