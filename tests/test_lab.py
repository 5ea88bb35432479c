"""Smoke test of `make lab`: JupyterLab starts on a free loopback port, serves its page, and stops."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

from helpers.paths import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_jupyterlab_serves_the_lab_page(tmp_path):
    port, token = free_port(), "deal-clock-smoke-test"
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--ServerApp.root_dir={ROOT}", f"--IdentityProvider.token={token}",
         "--LabApp.default_url=/lab/tree/notebooks", "--ServerApp.port_retries=0", "--allow-root"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path)),
    )
    try:
        body, deadline = "", time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=5) as r:
                    assert r.status == 200
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert "JupyterLab" in body, "the lab page did not load within 60 s"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/kernelspecs?token={token}", timeout=5) as r:
            assert b"deal-clock" in r.read(), "the project kernel is not registered"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
