"""Measure zigttp against its peers in one run and print JSON with ratios.

    python bench/run.py [--quick] [--skip-cold] [--skip-push]

Peers, measured in the same run on the same machine: the reference zigttp binary
(../shared/peers/, when present) and Node's http module (when `node` is on PATH).
Ratios are ours divided by the peer's; for times and sizes lower is better, for
requests per second higher is better.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import measure  # noqa: E402
import peers  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TRIVIAL_HANDLER = "function handler(req) { return Response.json({ ok: true }); }\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Shorter load runs.")
    parser.add_argument("--skip-cold", action="store_true", help="No cold build.")
    parser.add_argument("--skip-push", action="store_true", help="No registry push.")
    args = parser.parse_args()

    seconds = 2 if args.quick else 5
    report: dict[str, Any] = {"machine": measure.machine()}

    with tempfile.TemporaryDirectory(prefix="zigttp-bench-") as scratch:
        work = Path(scratch)
        if not args.skip_cold:
            report["coldRuntimeBuild"] = cold_build(work / "cold-cache")
        report["warmHandlerRebuild"] = warm_rebuild(work)
        report["image"] = image_sizes(work)
        report["serving"] = serving(work, seconds)
        if not args.skip_push:
            report["push"] = push(work)

    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


def zigttp(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "zigttp", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"zigttp {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout.strip()


def cold_build(cache: Path) -> dict[str, Any]:
    """Engine sources fetched, musl libc, engine and runtime built from nothing."""
    env = {**os.environ, "ZIGTTP_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    zigttp("build", str(REPO / "examples" / "hello"), "-o", str(cache / "img"), env=env)
    return {"seconds": round(time.perf_counter() - started, 1)}


def warm_rebuild(work: Path) -> dict[str, Any]:
    """`zigttp build` of a changed handler once the runtime is cached."""
    project = work / "hello"
    shutil.copytree(REPO / "examples" / "hello", project)
    zigttp("build", str(project))

    times = []
    for round_number in range(5):
        handler = project / "handler.ts"
        handler.write_text(handler.read_text() + f"\n// edit {round_number}\n")
        started = time.perf_counter()
        zigttp("build", str(project))
        times.append(time.perf_counter() - started)
    return {
        "seconds": round(min(times), 3),
        "runs": len(times),
        "includes": "CLI start",
    }


def image_sizes(work: Path) -> dict[str, Any]:
    """Layer sizes of examples/hello beside the peer binary gzipped the same way."""
    sizes: dict[str, Any] = {}
    for compression in ("gzip", "zstd"):
        out = work / f"image-{compression}"
        zigttp(
            "build", str(work / "hello"), "-o", str(out), "--compression", compression
        )
        sizes[compression] = measure.layer_sizes(out)

    peer = peers.reference_binary()
    if peer is not None:
        peer_gzip = measure.gzip_size(peer.read_bytes())
        sizes["peerReferenceGzip"] = peer_gzip
        sizes["ratioGzipToPeer"] = round(sizes["gzip"]["compressed"] / peer_gzip, 3)
    return sizes


def serving(work: Path, seconds: int) -> dict[str, Any]:
    """Cold start, idle RSS and throughput of a trivial handler, ours and peers'."""
    handler = work / "trivial" / "handler.js"
    handler.parent.mkdir()
    handler.write_text(TRIVIAL_HANDLER)
    ours = build_binary(handler)

    servers = {"zigttp": peers.ours(ours)}
    reference = peers.reference(handler)
    if reference is not None:
        servers["reference"] = reference
    node = peers.node(work)
    if node is not None:
        servers["node"] = node

    results = {
        name: measure.server(server, seconds) for name, server in servers.items()
    }
    return {"servers": results, "ratios": measure.ratios(results)}


def build_binary(handler: Path) -> Path:
    """The handler binary for this machine, as `zigttp serve` would run it."""
    from zigttp import local

    return local.compile_for_host(handler).binary


def push(work: Path) -> dict[str, Any]:
    """examples/hello pushed to a local registry, beside `skopeo copy`; a re-push."""
    import registry_bench

    return registry_bench.run(work / "image-gzip", work)


if __name__ == "__main__":
    main()
