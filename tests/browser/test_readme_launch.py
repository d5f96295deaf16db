"""The README's open command, as a learner runs it, reaches the exercises.

The server is started with the *exact* words of the README's open command (the part after
``python -m pip install -r requirements.txt &&``), from the root of a temporary copy of the
repository; the only additions are what a headless test needs (no browser, a fixed port and token,
``--allow-root`` when run as root, throw-away settings and runtime directories). Then:

1. the server's root is the repository: ``/api/contents`` lists ``notebooks`` and ``exercises``;
2. the page the command would open in a browser (the ``jpserver-*-open.html`` file that JupyterLab
   writes for the file given on the command line) is chapter 00, ``lab/tree/notebooks/00_welcome.ipynb``;
3. in Chromium, that page shows chapter 00; clicking its link to ``../exercises/00_welcome_exercises.ipynb``
   opens the exercise notebook in a new tab of the main area, and the server starts a session for it (the same
   for chapter 01, opened in the same server).

Run only this test: ``python -m pytest tests/browser/test_readme_launch.py -p no:nbval -o addopts=""``
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from labserver import LAB_SETTINGS, REPO_ROOT, free_port, stop_process_group

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
INSTALL = "python -m pip install -r requirements.txt && "
CHAPTER = "notebooks/00_welcome.ipynb"
EXERCISE = "exercises/00_welcome_exercises.ipynb"  # reached through the contents API


def readme_open_command() -> list[str]:
    """The README's open command (after the install step), split into words."""
    m = re.search(re.escape(INSTALL) + r"(python -m jupyter lab[^\n`]*)", README)
    assert m, "README has no 'python -m pip install -r requirements.txt && python -m jupyter lab ...' command"
    return shlex.split(m.group(1))


class ReadmeServer:
    """JupyterLab started as the README says, in a copy of the repository."""

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="mgcourse-readme-"))
        self.root = self.tmp / "course"
        self.root.mkdir()
        for name in ("notebooks", "exercises", "figures"):
            if (REPO_ROOT / name).is_dir():
                shutil.copytree(REPO_ROOT / name, self.root / name,
                                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        shutil.copy(REPO_ROOT / "README.md", self.root / "README.md")
        self.port, self.token = free_port(), os.urandom(16).hex()
        self.runtime = self.tmp / "runtime"
        self.proc = None

    def start(self) -> "ReadmeServer":
        dirs = {n: self.tmp / n for n in ("settings", "workspaces", "config", "ipython")}
        for d in [*dirs.values(), self.runtime]:
            d.mkdir()
        for rel, content in LAB_SETTINGS.items():
            p = dirs["settings"] / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(json.dumps(content), encoding="utf-8")
        words = readme_open_command()
        assert words[:2] == ["python", "-m"], words
        cmd = [sys.executable, *words[1:],
               "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
               "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        env = {**os.environ,
               "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
               "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
               "JUPYTER_RUNTIME_DIR": str(self.runtime),
               "JUPYTER_CONFIG_DIR": str(dirs["config"]),
               "IPYTHONDIR": str(dirs["ipython"]),
               "JUPYTER_PLATFORM_DIRS": "1"}
        env.pop("JUPYTER_TOKEN", None)
        env.pop("MPLBACKEND", None)
        self.log = open(self.tmp / "jupyterlab.log", "wb")
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                self.api("/api/status")
                if self.open_url():
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"JupyterLab did not start within 90 s:\n{self.log_tail()}")

    def stop(self) -> None:
        stop_process_group(self.proc)
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def api(self, path: str):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}",
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"null")

    def open_url(self) -> str | None:
        """The URL JupyterLab would open in the learner's browser for the file on the command line."""
        for f in self.runtime.glob("jpserver-*-open.html"):
            m = re.search(r'url=([^"]*/lab/tree/[^"]*)"', f.read_text(encoding="utf-8"))
            if m:
                return m.group(1).replace("&amp;", "&")
        return None

    def log_tail(self, n: int = 30) -> str:
        return "\n".join((self.tmp / "jupyterlab.log").read_text(errors="replace").splitlines()[-n:])


@pytest.fixture(scope="module")
def readme_server(browser_available):
    server = ReadmeServer()
    try:
        yield server.start()
    finally:
        server.stop()


def test_readme_command_serves_the_repository_root(readme_server):
    names = {item["name"] for item in readme_server.api("/api/contents")["content"]}
    assert {"notebooks", "exercises"} <= names, (
        f"the README command does not make the repository the server root: it serves {sorted(names)}")
    # the exercise notebook is reachable through the contents API (no 'outside root' 404)
    model = readme_server.api(f"/api/contents/{EXERCISE}?content=0")
    assert model["path"] == EXERCISE


def test_readme_command_opens_chapter_00_first(readme_server):
    url = readme_server.open_url()
    assert url is not None and url.split("?")[0].endswith(f"/lab/tree/{CHAPTER}"), url


@pytest.mark.parametrize("stem", ["00_welcome", "01_python_toolkit"])
def test_chapter_exercise_link_opens_the_exercise_notebook(readme_server, browser, artifacts_dir, stem):
    chapter, exercise = f"notebooks/{stem}.ipynb", f"exercises/{stem}_exercises.ipynb"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    try:
        url = readme_server.open_url().replace("localhost", "127.0.0.1")
        if chapter != CHAPTER:  # another chapter, in the same server, by its Lab URL
            url = url.replace(f"/lab/tree/{CHAPTER}", f"/lab/tree/{chapter}")
        page.goto(url, wait_until="domcontentloaded")
        # the chapter opens as a notebook tab, and its Markdown is rendered
        page.locator(f".lm-TabBar-tab:has-text('{stem}.ipynb')").first.wait_for(timeout=120_000)
        link = page.locator(f".jp-RenderedMarkdown a[href*='{exercise}']").first
        link.wait_for(state="attached", timeout=60_000)
        link.scroll_into_view_if_needed()
        link.click()
        tab = page.locator(f".lm-TabBar-tab:has-text('{stem}_exercises.ipynb')").first
        tab.wait_for(timeout=60_000)
        # the exercise notebook's cells are on screen, and the server opened a session for it
        page.locator(".jp-NotebookPanel:visible .jp-Cell").first.wait_for(timeout=60_000)
        deadline = time.monotonic() + 60
        paths = []
        while time.monotonic() < deadline:
            paths = [s.get("path") for s in readme_server.api("/api/sessions")]
            if exercise in paths:
                break
            time.sleep(0.5)
        assert exercise in paths, f"no session for {exercise}; sessions: {paths}"
        not_found = [ln for ln in readme_server.log_tail(400).splitlines() if " 404 " in ln and exercise in ln]
        assert not not_found, not_found
    except Exception:
        page.screenshot(path=str(artifacts_dir / f"readme-launch-{stem}-failure.png"))
        raise
    finally:
        context.close()
