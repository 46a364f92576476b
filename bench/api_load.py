"""A bounded load test of `onrecord serve` on loopback: CLIENTS concurrent
clients for SECONDS against a store of N synthetic statements (the store of
bench/store_queries.py), each client sending its next request as soon as
the last one is answered. Prints requests/s, errors, and median, p95 and
p99 latency, overall and per kind of request.

    .venv/bin/python bench/api_load.py [N=100000] [CLIENTS=50] [SECONDS=60] [SERVER_WORKERS=1] [DB_URL]

The server runs as a user starts it (`onrecord serve --workers SERVER_WORKERS`); the
clients run in this process on asyncio and share the machine's cores with it,
so the figures are those of a server on a busy machine.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from store_queries import GOODS, PLACES, build  # noqa: E402 - the same synthetic store

from onrecord import Record  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def requests_mix(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """What readers of the record ask for, as (kind, path): the JSON API and
    the pages, weighted towards lists and timelines."""
    n_claims, n_actors, n_articles = max(1, n // 20), max(1, n // 50), max(1, n // 10)
    claim = f"clm_{rng.randrange(n_claims):08d}"
    return [
        ("claim timeline (API)", f"/api/claims/{claim}/timeline"),
        ("claim page", f"/claims/{claim}"),
        ("statements by speaker", f"/api/statements?speaker=Speaker%20{rng.randrange(n_actors)}"),
        ("statements search", f"/api/statements?q={rng.choice(GOODS)}%20{rng.choice(PLACES)}"),
        ("reversals of an actor", "/api/reversals?actor=IRN"),
        ("claims, most discussed", "/api/claims?limit=50"),
        ("article", f"/api/articles/art_{rng.randrange(n_articles):012d}"),
        ("actor page", f"/actors/act_{rng.randrange(n_actors):08d}"),
        ("home page", "/"),
    ]


async def client(base: str, n: int, deadline: float, seed: int, results: dict, errors: list) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        while time.monotonic() < deadline:
            kind, path = rng.choice(requests_mix(n, rng))
            start = time.perf_counter()
            try:
                response = await http.get(path)
                if response.status_code != 200:
                    errors.append(f"{path}: HTTP {response.status_code}")
            except httpx.HTTPError as exc:
                errors.append(f"{path}: {type(exc).__name__}: {exc}")
                continue
            results[kind].append((time.perf_counter() - start) * 1000)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def load(base: str, n: int, clients: int, seconds: float) -> tuple[dict, list, float]:
    results: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    start = time.monotonic()
    await asyncio.gather(*(client(base, n, start + seconds, seed, results, errors) for seed in range(clients)))
    return results, errors, time.monotonic() - start


def main(n: int, clients: int, seconds: float, server_workers: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{tmp}/bench.db"
        record = Record(url)
        started = time.perf_counter()
        build(record, n, random.Random(7))
        record.close()
        print(f"{url.split(':')[0]}: {n:,} statements built in {time.perf_counter() - started:.1f} s")
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "onrecord",
                "serve",
                "--db",
                url,
                "--port",
                str(port),
                "--workers",
                str(server_workers),
            ],
            env={**os.environ, "ONRECORD_API_TOKEN": ""},
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(base + "/api/stats", timeout=5)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            results, errors, took = asyncio.run(load(base, n, clients, seconds))
        finally:
            server.terminate()
            server.wait(timeout=30)
    every = [t for times in results.values() for t in times]
    print(
        f"{clients} clients for {took:.0f} s against {server_workers} server process(es): {len(every):,} requests, "
        f"{len(every) / took:.1f} requests/s, {len(errors)} errors"
    )
    print(
        f"  {'all':26s} median {statistics.median(every):7.1f} ms   p95 {percentile(every, 0.95):7.1f} ms"
        f"   p99 {percentile(every, 0.99):7.1f} ms"
    )
    for kind, times in sorted(results.items()):
        print(
            f"  {kind:26s} median {statistics.median(times):7.1f} ms   p95 {percentile(times, 0.95):7.1f} ms"
            f"   ({len(times):,})"
        )
    for error in errors[:10]:
        print("  error:", error)


if __name__ == "__main__":
    args = sys.argv[1:]
    numbers = [a for a in args if "://" not in a]
    main(
        int(numbers[0]) if numbers else 100_000,
        int(numbers[1]) if len(numbers) > 1 else 50,
        float(numbers[2]) if len(numbers) > 2 else 60.0,
        int(numbers[3]) if len(numbers) > 3 else 1,
        next((a for a in args if "://" in a), None),
    )
