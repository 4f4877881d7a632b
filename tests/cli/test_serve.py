"""`zigttp serve`: the handler answers HTTP locally, .env and flags included."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .conftest import RunCli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Serving:
    """`zigttp serve` running as a child process, stopped like Ctrl-C would."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "zigttp", "serve", *args, "-p", str(self.port)],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def get(self, path: str, deadline: float = 60.0) -> httpx.Response:
        stop = time.monotonic() + deadline
        while True:
            try:
                return httpx.get(self.url + path, timeout=5)
            except httpx.TransportError:
                if time.monotonic() > stop or self.process.poll() is not None:
                    raise
                time.sleep(0.1)

    def interrupt(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        _, stderr = self.process.communicate(timeout=30)
        return self.process.returncode, stderr


def serve_env(build_cache: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "ZIGTTP_CACHE_DIR": str(build_cache), "NO_COLOR": "1"}
    env.pop("GREETING_NAME", None)
    env.update(extra)
    return env


def test_serve_answers_with_the_env_file_and_stops_on_ctrl_c(
    example, build_cache: Path
) -> None:
    project = example("hello")
    serving = Serving(["handler.ts"], project, serve_env(build_cache))
    try:
        response = serving.get("/")
        assert response.status_code == 200
        assert response.json() == {"message": "Hello, zigttp!", "greeted": "zigttp"}
        assert serving.get("/health").json() == {"status": "ok"}
    finally:
        code, stderr = serving.interrupt()

    assert code in (0, 130)
    assert "Traceback" not in stderr
    assert "GET / 200" in stderr


def test_process_env_wins_over_the_env_file(example, build_cache: Path) -> None:
    project = example("hello")
    env = serve_env(build_cache, GREETING_NAME="from-shell")
    serving = Serving([str(project)], project.parent, env)
    try:
        assert serving.get("/").json()["greeted"] == "from-shell"
    finally:
        serving.interrupt()


def test_a_missing_contract_env_name_stops_serve_like_the_image(
    run_cli: RunCli, example
) -> None:
    project = example("hello")
    (project / ".env").unlink()

    done = run_cli("serve", str(project), "-p", "0", timeout=60)

    assert done.returncode == 1
    assert "missing environment variables: GREETING_NAME" in done.stderr
    assert done.stderr.rstrip().endswith(
        "error: the handler stopped with exit 3 (see above)"
    )


def test_no_env_check_serves_anyway_with_a_warning(example, build_cache: Path) -> None:
    project = example("hello")
    (project / ".env").unlink()
    serving = Serving(["--no-env-check"], project, serve_env(build_cache))
    try:
        assert serving.get("/").json()["greeted"] == "world"
    finally:
        _, stderr = serving.interrupt()
    assert "warning: not set: GREETING_NAME" in stderr


def test_watch_rebuilds_after_a_change(example, build_cache: Path) -> None:
    project = example("hello")
    serving = Serving(["--watch"], project, serve_env(build_cache))
    try:
        assert serving.get("/health").json() == {"status": "ok"}
        handler = project / "handler.ts"
        handler.write_text(handler.read_text().replace('"ok"', '"rebuilt"'))

        deadline = time.monotonic() + 30
        body = {}
        while time.monotonic() < deadline:
            body = serving.get("/health").json()
            if body == {"status": "rebuilt"}:
                break
            time.sleep(0.2)
        assert body == {"status": "rebuilt"}
    finally:
        serving.interrupt()


def test_serve_reports_a_bad_handler_in_one_line(
    run_cli: RunCli, tmp_path: Path
) -> None:
    (tmp_path / "handler.ts").write_text("export default function handler( {\n")
    done = run_cli("serve", "handler.ts", cwd=tmp_path)

    assert done.returncode == 1
    assert done.stderr == "handler.ts:1:34: syntax error: `{` is never closed\n"


DYNAMIC_ENV = """\
import { env } from "zigttp:env";
export default function handler(request: Request): Response {
  return Response.json({ value: env(request.query.name) ?? null });
}
"""


def test_serve_never_hands_the_shell_environment_to_a_handler(
    tmp_path: Path, build_cache: Path
) -> None:
    (tmp_path / "handler.ts").write_text(DYNAMIC_ENV)
    (tmp_path / ".env").write_text("FROM_FILE=visible\n")
    env = serve_env(build_cache, ZIGTTP_TOKEN="tok-SECRET", AWS_SECRET_ACCESS_KEY="k")
    serving = Serving([], tmp_path, env)
    try:
        assert serving.get("/?name=FROM_FILE").json() == {"value": "visible"}
        for name in ("ZIGTTP_TOKEN", "AWS_SECRET_ACCESS_KEY", "PATH", "HOME"):
            assert serving.get(f"/?name={name}").json() == {"value": None}, name
    finally:
        serving.interrupt()


def test_serve_exits_1_when_the_handler_cannot_start(run_cli: RunCli, example) -> None:
    project = example("hello")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = run_cli("serve", str(project), "-p", str(port))

    assert done.returncode == 1
    assert "cannot listen on" in done.stderr
    assert done.stderr.rstrip().endswith(
        "error: the handler stopped with exit 1 (see above)"
    )


def test_sigterm_to_serve_stops_the_handler_too(example, build_cache: Path) -> None:
    project = example("hello")
    serving = Serving([], project, serve_env(build_cache))
    assert serving.get("/health").status_code == 200

    serving.process.send_signal(signal.SIGTERM)
    serving.process.communicate(timeout=30)

    with pytest.raises(httpx.TransportError):
        httpx.get(serving.url + "/health", timeout=2)
