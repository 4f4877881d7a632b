"""Starting the dev stack: a taken port fails cleanly and costs no first token."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import httpx

from .stack import ZIGTTP, free_port, start_control_plane


def test_a_taken_port_is_one_line_and_the_first_token_survives(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]

        failed = subprocess.run(
            [
                str(ZIGTTP),
                "control-plane",
                "dev",
                "--data-dir",
                str(data),
                "--port",
                str(port),
                "--registry-port",
                str(free_port()),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert failed.returncode == 1
    assert failed.stdout == ""
    assert failed.stderr == (
        f"error: cannot listen on 127.0.0.1:{port}: address already in use; "
        "stop what uses it or pick another --port\n"
    )

    running = start_control_plane(data, free_port(), free_port())
    try:
        assert running.token, "the first start that worked must print a token"
        verified = httpx.post(
            f"{running.url}/v1/auth/token/verify",
            headers={"Authorization": f"Bearer {running.token}"},
            timeout=10,
        )
        assert verified.status_code == 200
    finally:
        assert running.stop() == 0
