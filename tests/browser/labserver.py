"""A throw-away JupyterLab server and the Chromium settings for the browser tests.

:class:`LabServer` starts JupyterLab on 127.0.0.1 with a free port and a random
token, on a temporary *copy* of ``notebooks/`` (plus ``figures/`` for images the
Markdown refers to), with its own settings, workspace, runtime, config and
IPython directories in a temporary folder, autosave off, news and update checks
off, the terminal off and ``window.jupyterapp`` exposed so that the tests can
read the notebook model and the kernel status directly.

Nothing here touches the repository's files: the copy is deleted when the
server stops.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("MGCOURSE_CHROMIUM", "/usr/bin/chromium"))

#: Flags for Debian's Chromium: headless, no sandbox (root in CI), and none of the
#: background connections that a closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

#: User settings written into the throw-away settings directory.
LAB_SETTINGS = {
    # no autosave: the copy is never written back behind the test's back
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # no news, no update check (no network, no pop-up)
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                          "checkForUpdates": False},
    # every cell stays in the DOM, so prompts, outputs and widgets can be inspected
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def stop_process_group(proc) -> None:
    """End a server started with ``start_new_session=True`` and everything it started (its kernels)."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """JupyterLab on a copy of the course notebooks. Use as a context manager."""

    def __init__(self, notebooks_dir: Path = REPO_ROOT / "notebooks", *, startup_timeout: float = 90.0,
                 settings: dict | None = None):
        """``settings``: user settings written over :data:`LAB_SETTINGS` (by settings file, whole files)."""
        self.notebooks_dir = Path(notebooks_dir)
        self.settings = {**LAB_SETTINGS, **(settings or {})}
        self.startup_timeout = startup_timeout
        self.tmp: Path | None = None
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.token = os.urandom(16).hex()
        self.log_path: Path | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "LabServer":
        self.tmp = Path(tempfile.mkdtemp(prefix="mgcourse-lab-"))
        root = self.tmp / "root"
        root.mkdir()
        shutil.copytree(self.notebooks_dir, root / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        if (REPO_ROOT / "figures").is_dir():
            shutil.copytree(REPO_ROOT / "figures", root / "figures")
        dirs = {name: self.tmp / name for name in ("settings", "workspaces", "runtime", "config", "ipython")}
        for d in dirs.values():
            d.mkdir()
        for rel, content in self.settings.items():
            path = dirs["settings"] / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(content), encoding="utf-8")
        env = {**os.environ,
               "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
               "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
               "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
               "JUPYTER_CONFIG_DIR": str(dirs["config"]),
               "IPYTHONDIR": str(dirs["ipython"]),
               "JUPYTER_PLATFORM_DIRS": "1",
               "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        env.pop("JUPYTER_TOKEN", None)
        # tests/conftest.py sets MPLBACKEND=Agg for pytest itself; kernels need their inline backend
        env.pop("MPLBACKEND", None)
        self.port = free_port()
        cmd = [sys.executable, "-m", "jupyterlab",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
               "--ServerApp.open_browser=False", "--ServerApp.terminals_enabled=False",
               "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.expose_app_in_browser=True"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log_path = self.tmp / "jupyterlab.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                # the Lab page itself (its settings and extensions are loaded on first request)
                with urllib.request.urlopen(self.url("lab"), timeout=10) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"JupyterLab did not answer within {self.startup_timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        # the server's process group holds the server and its kernels (started with start_new_session)
        stop_process_group(self.proc)
        if getattr(self, "_log", None):
            self._log.close()
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __enter__(self) -> "LabServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ helpers
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path.lstrip('/')}{sep}token={self.token}"

    def notebook_url(self, name: str) -> str:
        return self.url(f"lab/tree/notebooks/{name}?reset")

    def api(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path.lstrip("/"), data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
        return json.loads(raw) if raw else None

    def kernel_state(self, notebook_name: str) -> str | None:
        """``execution_state`` of the kernel of the session that runs ``notebook_name`` (REST API)."""
        for s in self.api("GET", "/api/sessions"):
            if s.get("path", "").endswith(f"notebooks/{notebook_name}") and s.get("kernel"):
                return s["kernel"].get("execution_state")
        return None

    def shutdown_session(self, notebook_name: str) -> None:
        for s in self.api("GET", "/api/sessions"):
            if s.get("path", "").endswith(f"notebooks/{notebook_name}"):
                try:
                    self.api("DELETE", f"/api/sessions/{s['id']}")
                except urllib.error.HTTPError:
                    pass

    def log_tail(self, n: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
