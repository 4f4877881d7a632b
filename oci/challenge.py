"""WWW-Authenticate challenges, parsed by the RFC 9110 grammar.

A header may hold several challenges (`Basic realm="x", Bearer realm="y",...`),
parameter values may be quoted strings with commas and escaped quotes inside,
scheme and parameter names are case-insensitive. Splitting on commas gets all
of these wrong, so this reads the header one token at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
_TOKEN68_CHARS = _TOKEN_CHARS | frozenset("/")


@dataclass(frozen=True)
class Challenge:
    """One auth scheme (lowercased) and its parameters (names lowercased)."""

    scheme: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def scopes(self) -> list[str]:
        """The scopes asked for: `scope` holds several separated by spaces."""
        return self.params.get("scope", "").split()


def parse(header: str) -> list[Challenge]:
    """Every challenge in a WWW-Authenticate value, in order; [] for garbage."""
    reader = _Reader(header)
    challenges = []
    while reader.skip_separators():
        scheme = reader.token()
        if not scheme:
            break
        challenges.append(Challenge(scheme.lower(), reader.params()))
    return challenges


def preferred(challenges: list[Challenge]) -> Challenge | None:
    """Bearer when offered (it scopes access), else Basic, else nothing we speak."""
    for scheme in ("bearer", "basic"):
        for challenge in challenges:
            if challenge.scheme == scheme:
                return challenge
    return None


class _Reader:
    """A cursor over the header text with the grammar's small pieces."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def skip_spaces(self) -> None:
        while self.peek() in (" ", "\t") and self.peek():
            self.at += 1

    def skip_separators(self) -> bool:
        """Skip spaces and commas; False at the end of the text."""
        while self.peek() and self.peek() in " \t,":
            self.at += 1
        return bool(self.peek())

    def token(self, chars: frozenset[str] = _TOKEN_CHARS) -> str:
        start = self.at
        while self.peek() and self.peek() in chars:
            self.at += 1
        return self.text[start : self.at]

    def quoted(self) -> str:
        """A quoted-string after its opening quote, with backslash escapes undone."""
        self.at += 1
        value = []
        while self.peek() and self.peek() != '"':
            if self.peek() == "\\":
                self.at += 1
            value.append(self.peek())
            self.at += 1
        self.at += 1
        return "".join(value)

    def params(self) -> dict[str, str]:
        """auth-params after a scheme, stopping where the next challenge starts."""
        params: dict[str, str] = {}
        while True:
            self.skip_spaces()
            start = self.at
            name = self.token(_TOKEN68_CHARS)
            self.skip_spaces()
            if not name or self.peek() != "=":
                self.at = start  # a new scheme, not a parameter of this one
                return params
            self.at += 1
            self.skip_spaces()

            if self.peek() in ("", ",", "="):
                self.at = start  # token68 ("abc==") rather than name=value
                params["token68"] = self.token(_TOKEN68_CHARS) + self._equals()
            elif self.peek() == '"':
                params[name.lower()] = self.quoted()
            else:
                params[name.lower()] = self.token()

            self.skip_spaces()
            if self.peek() != ",":
                return params
            self.at += 1

    def _equals(self) -> str:
        start = self.at
        while self.peek() == "=":
            self.at += 1
        return self.text[start : self.at]
