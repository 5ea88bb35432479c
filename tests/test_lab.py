"""Smoke test of `make lab`: JupyterLab starts on a free loopback port with the project's save hook, serves its page,
knows the project kernel, and saving a notebook that a session has run leaves the file as it was."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

from helpers.paths import ROOT

NOTEBOOK = "notebooks/01_clean_negotiations.ipynb"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_jupyterlab_serves_the_lab_page_and_saving_changes_no_notebook(tmp_path):
    served = tmp_path / "repo"
    (served / "notebooks").mkdir(parents=True)
    shutil.copy2(ROOT / NOTEBOOK, served / NOTEBOOK)
    before = (served / NOTEBOOK).read_bytes()
    port, token = free_port(), "deal-clock-smoke-test"
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--ServerApp.root_dir={served}", f"--IdentityProvider.token={token}", "--LabApp.default_url=/lab/tree/notebooks",
         "--ContentsManager.pre_save_hook=helpers.execution.pre_save_hook", "--ServerApp.port_retries=0", "--allow-root"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path)),
    )
    api = f"http://127.0.0.1:{port}/api"
    headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
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
        with urllib.request.urlopen(urllib.request.Request(f"{api}/kernelspecs", headers=headers), timeout=5) as r:
            assert b"deal-clock" in r.read(), "the project kernel is not registered"
        with urllib.request.urlopen(urllib.request.Request(f"{api}/contents/{NOTEBOOK}", headers=headers), timeout=10) as r:
            nb = json.loads(r.read())["content"]
        for count, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):  # as a session leaves it
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "run in the session\n"}]
            cell["execution_count"] = count + 1
        save = json.dumps({"type": "notebook", "format": "json", "content": nb}).encode()
        with urllib.request.urlopen(urllib.request.Request(f"{api}/contents/{NOTEBOOK}", data=save, headers=headers,
                                                           method="PUT"), timeout=10) as r:
            assert r.status == 200
        assert (served / NOTEBOOK).read_bytes() == before, "saving in JupyterLab changed the notebook"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
