"""Measurements: cold start to first 200, idle RSS, requests per second, sizes."""

from __future__ import annotations

import gzip
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from peers import Server

REQUEST = b"GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
START_RUNS = 15
START_DEADLINE_SECONDS = 5.0


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "arch": platform.machine()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def first_200(port: int, deadline: float) -> bool:
    """Try one request; True once the server answered 200."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(REQUEST)
            return conn.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        if time.perf_counter() > deadline:
            raise
        return False


def cold_start(server: Server) -> float:
    """Milliseconds from process start to the first 200 answer."""
    port = free_port()
    started = time.perf_counter()
    child = subprocess.Popen(
        server.command(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = started + START_DEADLINE_SECONDS
        while not first_200(port, deadline):
            time.sleep(0.0002)
        return (time.perf_counter() - started) * 1000
    finally:
        child.terminate()
        child.wait()


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) if found else 0


def running(server: Server) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    child = subprocess.Popen(
        server.command(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.perf_counter() + START_DEADLINE_SECONDS
    while not first_200(port, deadline):
        time.sleep(0.005)
    return child, port


def wrk(port: int, threads: int, connections: int, seconds: int) -> float | None:
    if shutil.which("wrk") is None:
        return None
    done = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            f"http://127.0.0.1:{port}/",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    return round(float(found.group(1))) if found else None


def server(peer: Server, seconds: int) -> dict[str, Any]:
    """Every serving measurement for one server."""
    starts = [cold_start(peer) for _ in range(START_RUNS)]
    child, port = running(peer)
    try:
        time.sleep(0.3)
        idle = rss_kib(child.pid)
        result = {
            "coldStartMs": round(statistics.median(starts), 2),
            "idleRssKiB": idle,
            "reqPerSec1Conn": wrk(port, 1, 1, seconds),
            "reqPerSec16Conn": wrk(port, 2, 16, seconds),
        }
        result["rssAfterLoadKiB"] = rss_kib(child.pid)
        return result
    finally:
        child.terminate()
        child.wait()


def ratios(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Ours over each peer, per measurement."""
    ours = results["zigttp"]
    table: dict[str, Any] = {}
    for name, theirs in results.items():
        if name == "zigttp":
            continue
        table[f"vs{name.capitalize()}"] = {
            key: round(ours[key] / theirs[key], 3)
            for key in ours
            if isinstance(ours.get(key), int | float) and theirs.get(key)
        }
    return table


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def layer_sizes(layout: Path) -> dict[str, int]:
    """Compressed layer and uncompressed binary size of a one-image layout."""
    index = json.loads((layout / "index.json").read_text())
    manifest_digest = index["manifests"][0]["digest"].split(":")[1]
    manifest = json.loads((layout / "blobs" / "sha256" / manifest_digest).read_bytes())
    layer = manifest["layers"][0]
    blob = (layout / "blobs" / "sha256" / layer["digest"].split(":")[1]).read_bytes()
    return {"compressed": layer["size"], "uncompressedTar": len(_decompress(blob))}


def _decompress(blob: bytes) -> bytes:
    if blob[:2] == b"\x1f\x8b":
        return gzip.decompress(blob)
    import zstandard

    return zstandard.ZstdDecompressor().decompressobj().decompress(blob)
