"""The OpenAPI schema, exercised by schemathesis against `onrecord serve`
running over a real store: whatever it sends, no response is a 5xx."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import API_TOKEN, running_server


@pytest.mark.slow
def test_schemathesis_finds_no_server_errors(store_url, tmp_path):
    st = shutil.which("st") or str(Path(sys.executable).with_name("st"))
    with running_server(store_url) as base:
        result = subprocess.run(
            [
                st,
                "run",
                f"{base}/openapi.json",
                "--checks",
                "not_a_server_error",
                "--header",
                f"Authorization: Bearer {API_TOKEN}",
                "--max-examples",
                "25",
                "--seed",
                "7",
                "--phases",
                "examples,coverage,fuzzing",
                "--no-color",
                "--report",
                "junit",
                "--report-junit-path",
                str(tmp_path / "schemathesis.xml"),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )  # its cache stays out of the project
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "passed" in result.stdout


@pytest.mark.slow
def test_serve_with_several_worker_processes_answers_from_the_same_store(store_url):
    """`onrecord serve --workers 2`: each process builds its app over the
    store named on the command line; every answer is the same record."""
    import json
    import urllib.request

    from onrecord.record import Record

    with Record(store_url) as record:
        expected = record.stats()
    with running_server(store_url, extra_args=("--workers", "2")) as base:
        for _ in range(12):
            with urllib.request.urlopen(base + "/api/stats", timeout=30) as response:
                assert json.loads(response.read()) == json.loads(json.dumps(expected, default=str))
            with urllib.request.urlopen(base + "/", timeout=30) as response:
                assert response.status == 200
