"""Starting the dev stack: taken ports, a data dir in use and bad addresses refuse."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.oci.real_registry import RegistryServer

from .stack import (
    ZIGTTP,
    Running,
    contract,
    deploy_standin,
    fetch_service,
    free_port,
    open_session,
    require_tool,
    start_control_plane,
    wait_for_service,
)


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


def start_once(data: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`control-plane dev` expected to refuse: it must exit on its own, quickly."""
    return subprocess.run(
        [str(ZIGTTP), "control-plane", "dev", "--data-dir", str(data), *options],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_second_control_plane_on_a_data_dir_in_use_refuses_naming_the_pid(
    plane: Running, standin_binary: bytes, tmp_path: Path
) -> None:
    with plane.client() as client:
        deployed = deploy_standin(
            plane, client, "kept", standin_binary, tmp_path, {"GREETING": "first"}
        )
        wait_for_service(client, deployed.service_id, deployed.release_id)
    remembered = (plane.data_dir / "dev.json").read_text()

    second = start_once(
        plane.data_dir, "--port", str(free_port()), "--registry-port", str(free_port())
    )

    assert second.returncode == 1
    assert second.stdout == ""
    assert second.stderr == (
        f"error: data dir {plane.data_dir} is in use by the control plane with "
        f"pid {plane.process.pid}: stop that one first, or pick another --data-dir\n"
    )
    assert (plane.data_dir / "dev.json").read_text() == remembered
    assert fetch_service(plane, deployed.hostname).text == "hello from first\n"


def test_a_registry_port_held_by_another_process_is_refused(tmp_path: Path) -> None:
    require_tool("docker-registry")
    leftover = RegistryServer(tmp_path / "leftover")
    try:
        failed = start_once(
            tmp_path / "data",
            "--port",
            str(free_port()),
            "--registry-port",
            str(leftover.port),
        )
    finally:
        leftover.stop()

    assert failed.returncode == 1
    assert failed.stdout == ""
    assert failed.stderr == (
        f"error: starting the dev registry: cannot listen on {leftover.host}: "
        "address already in use (a registry left running by a killed control "
        "plane?); stop what uses it or pick another --registry-port\n"
    )


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (
            ("--host", "0.0.0.0"),
            "--host '0.0.0.0' is not a loopback address, so other machines could "
            "reach it without TLS: use 127.0.0.1 or ::1, or pass --allow-remote "
            "if that is what you want",
        ),
        (
            ("--host", "127.0.0.1\nx"),
            "--host '127.0.0.1\\nx' is not an IP address or host name: give one "
            "such as 127.0.0.1, ::1 or localhost",
        ),
        (
            ("--host", "::"),
            "--host '::' is not a loopback address, so other machines could "
            "reach it without TLS: use 127.0.0.1 or ::1, or pass --allow-remote "
            "if that is what you want",
        ),
    ],
)
def test_hosts_must_be_loopback_addresses_unless_allowed(
    tmp_path: Path, options: tuple[str, ...], problem: str
) -> None:
    failed = start_once(tmp_path / "data", "--port", str(free_port()), *options)

    assert failed.returncode == 1
    assert failed.stderr == f"error: {problem}\n"
    assert not (tmp_path / "data").exists()


def test_an_ipv6_loopback_host_gives_a_bracketed_url(tmp_path: Path) -> None:
    port = free_port()
    running = start_control_plane(tmp_path / "data", port, free_port(), "--host", "::1")
    try:
        health = httpx.get(f"{running.url}/healthz", timeout=10, trust_env=False)
        with running.client() as client:
            session = open_session(client, "six", contract()).json()
    finally:
        assert running.stop() == 0

    assert running.url == f"http://[::1]:{port}"
    assert health.json() == {"status": "ok"}
    assert session["urlHint"] == f"http://six.us-central.dev.localhost:{port}/"


@pytest.mark.parametrize(
    ("registry_host", "problem"),
    [
        (
            "127.0.0.1:5000\nauth: {}",
            "--registry-host '127.0.0.1:5000\\nauth: {}' is not HOST:PORT: give "
            "one such as 127.0.0.1:5000 or [::1]:5000",
        ),
        (
            "127.0.0.1 :5000",
            "--registry-host '127.0.0.1 :5000' is not an IP address or host name: "
            "give one such as 127.0.0.1, ::1 or localhost",
        ),
        (
            "0.0.0.0:5000",
            "--registry-host '0.0.0.0:5000' is not a loopback address, so other "
            "machines could reach it without TLS: use 127.0.0.1 or ::1, or pass "
            "--allow-remote if that is what you want",
        ),
        (
            "::1:5000",
            "--registry-host '::1:5000': put an IPv6 address in brackets, as in "
            "[::1]:5000",
        ),
        (
            "127.0.0.1",
            "--registry-host '127.0.0.1' is not HOST:PORT: give one such as "
            "127.0.0.1:5000 or [::1]:5000",
        ),
    ],
)
def test_registry_hosts_are_checked_before_a_config_is_written(
    tmp_path: Path, registry_host: str, problem: str
) -> None:
    failed = subprocess.run(
        [
            str(ZIGTTP),
            "control-plane",
            "registry-config",
            "--data-dir",
            str(tmp_path / "data"),
            "--registry-host",
            registry_host,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert failed.returncode == 1
    assert failed.stderr == f"error: {problem}\n"
    assert not (tmp_path / "data" / "registry" / "config.yml").exists()


@pytest.mark.parametrize(
    ("registry_host", "options", "addr"),
    [
        ("[::1]:5000", (), '"[::1]:5000"'),
        ("localhost:5001", (), '"localhost:5001"'),
        ("0.0.0.0:5000", ("--allow-remote",), '"0.0.0.0:5000"'),
    ],
)
def test_a_registry_config_holds_the_checked_address_quoted(
    tmp_path: Path, registry_host: str, options: tuple[str, ...], addr: str
) -> None:
    written = subprocess.run(
        [
            str(ZIGTTP),
            "control-plane",
            "registry-config",
            "--data-dir",
            str(tmp_path / "data"),
            "--registry-host",
            registry_host,
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    config = Path(written.stdout.strip()).read_text()
    assert f"  addr: {addr}\n" in config
    assert config.count("\n") == 19
    assert 'realm: "http://127.0.0.1:8700/v1/registry/token"' in config
