"""Running the course for a class on JupyterHub: nbgitpuller links, measured memory, the image check.

``python -m mgcourse.tools.hub links --hub URL --repo URL [--branch main]``
    one nbgitpuller link per chapter (and per exercise notebook with ``--exercises``): a learner who clicks it gets
    the repository pulled into their home folder (their own edits are kept on later pulls) and the notebook opened
    in JupyterLab.
``python -m mgcourse.tools.hub memory [--json | --report]``
    runs every chapter, one after another, in ONE kernel (as a learner who works through the whole course without
    restarting would) and reports the kernel's peak resident memory; this is the number behind the per-user
    memory limits in ``docs/deployment.md`` (``--report`` rewrites that table there).
``python -m mgcourse.tools.hub image``
    asks repo2docker (offline: ``--no-build --no-run``) which Python and which requirements file it would build
    the hub image from, and fails if that is not what the repository intends.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import nbformat

from .. import REPO_ROOT

_SAFE = "/"  # characters left unquoted inside a query value (none except the path separator)


def _check_url(name: str, url: str) -> str:
    if not isinstance(url, str):
        raise TypeError(f"{name} must be a URL string, got {type(url).__name__}")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} must be an http(s) URL such as https://hub.example.org, got {url!r}")
    return url.strip().rstrip("/")


def _check_branch(branch: str) -> str:
    if not isinstance(branch, str) or not re.fullmatch(r"[A-Za-z0-9._/\-]+", branch) or ".." in branch:
        raise ValueError(f"branch must be a git branch name (letters, digits, . _ / -), got {branch!r}")
    return branch


def repo_folder(repo_url: str) -> str:
    """The folder nbgitpuller clones into: the last path part of the repository URL, without ``.git``."""
    name = urlsplit(_check_url("repo", repo_url)).path.rstrip("/").split("/")[-1]
    name = name.removesuffix(".git")
    if not name:
        raise ValueError(f"repo URL {repo_url!r} has no repository name in its path")
    return name


def pull_link(hub_url: str, repo_url: str, notebook: str, branch: str = "main", app: str = "lab") -> str:
    """An nbgitpuller link that pulls ``repo_url`` into the user's home and opens ``notebook`` (repo-relative)."""
    hub = _check_url("hub", hub_url)
    repo = _check_url("repo", repo_url)
    branch = _check_branch(branch)
    if app not in ("lab", "tree"):
        raise ValueError(f"app must be 'lab' or 'tree', got {app!r}")
    if not isinstance(notebook, str) or notebook.startswith("/") or ".." in Path(notebook).parts:
        raise ValueError(f"notebook must be a path inside the repository, got {notebook!r}")
    target = repo_folder(repo)
    urlpath = f"{app}/tree/{target}/{notebook}"
    return (f"{hub}/hub/user-redirect/git-pull?repo={quote(repo, safe='')}"
            f"&urlpath={quote(urlpath, safe='')}&branch={quote(branch, safe='')}")


def course_links(hub_url: str, repo_url: str, branch: str = "main", exercises: bool = False) -> list[tuple[str, str]]:
    """(notebook, link) for every chapter in teaching order, and its exercise notebook if asked."""
    from .runner import course_notebooks

    out = []
    for nb in course_notebooks():
        rel = nb.relative_to(REPO_ROOT).as_posix()
        out.append((rel, pull_link(hub_url, repo_url, rel, branch)))
        if exercises:
            ex = REPO_ROOT / "exercises" / nb.name.replace(".ipynb", "_exercises.ipynb")
            if ex.is_file():
                rel = ex.relative_to(REPO_ROOT).as_posix()
                out.append((rel, pull_link(hub_url, repo_url, rel, branch)))
    return out


# ------------------------------------------------------------------------------------------ memory
_PEAK_CELL = """\
import os as _os
def _kib(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1])
print("MGCOURSE_MEMORY", _kib("VmHWM:"), _kib("VmRSS:"))
"""


def whole_course_notebook(paths: list[Path]) -> nbformat.NotebookNode:
    """All code cells of ``paths`` in order, as one notebook, with a memory reading after each chapter."""
    nb = nbformat.v4.new_notebook()
    for path in paths:
        src = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(f"print('MGCOURSE_CHAPTER', {path.name!r})"))
        for cell in src.cells:
            if cell.cell_type == "code":
                nb.cells.append(nbformat.v4.new_code_cell(cell.source))
        nb.cells.append(nbformat.v4.new_code_cell(_PEAK_CELL))
    return nb


def measure_memory(paths: list[Path] | None = None) -> dict:
    """Run ``paths`` (default: every chapter) in one kernel; peak and current RSS in MiB after each chapter."""
    from .runner import course_notebooks, execute

    paths = list(paths) if paths is not None else course_notebooks()
    if not paths:
        raise ValueError("no notebooks to run")
    nb = whole_course_notebook(paths)
    t0 = time.perf_counter()
    execute(nb, REPO_ROOT / "notebooks", timeout=900)
    seconds = time.perf_counter() - t0
    rows, chapter = [], None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            for line in out.get("text", "").splitlines():
                if line.startswith("MGCOURSE_CHAPTER"):
                    chapter = line.split(None, 1)[1].strip("'\"")
                elif line.startswith("MGCOURSE_MEMORY"):
                    _, peak, rss = line.split()
                    rows.append({"after": chapter, "peak_mib": int(peak) / 1024, "rss_mib": int(rss) / 1024})
    if len(rows) != len(paths):
        raise RuntimeError(f"expected {len(paths)} memory readings, got {len(rows)}")
    return {"chapters": rows, "peak_mib": max(r["peak_mib"] for r in rows), "seconds": seconds,
            "python": sys.version.split()[0]}


#: Resident memory of a learner's Jupyter server process, rounded up: measured with ``ps -o rss`` on this
#: project's machine (JupyterLab 4.6 with a chapter's session open: 89 and 112 MiB in two runs). It counts
#: against the same per-user limit as the kernel.
SERVER_RSS_MIB = 120
_MIB_PER_GIB = 1024


def sizing(kernel_peak_mib: float, learners: int, server_mib: float = SERVER_RSS_MIB) -> dict:
    """Per-user memory limit/guarantee and total memory for ``learners`` working at the same time.

    limit = (one kernel's whole-course peak + the server process) × 1.5 headroom, rounded up to 256 MiB;
    guarantee = half the limit (most learners are far below their peak most of the time);
    total = learners × guarantee + 4 GiB for the hub, proxy and system (one machine) — the memory to provision
    when the whole class works at once.
    """
    for name, v in (("kernel_peak_mib", kernel_peak_mib), ("server_mib", server_mib)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not (0 < v < 1e6):
            raise ValueError(f"{name} must be a number of MiB in (0, 1e6), got {v!r}")
    if isinstance(learners, bool) or not isinstance(learners, int) or not (1 <= learners <= 100_000):
        raise ValueError(f"learners must be a whole number from 1 to 100000, got {learners!r}")
    limit = 256 * -(-((kernel_peak_mib + server_mib) * 1.5) // 256)
    guarantee = limit / 2
    total_gib = (learners * guarantee) / _MIB_PER_GIB + 4
    return {"limit_mib": int(limit), "guarantee_mib": int(guarantee), "total_gib": total_gib}


def report_markdown(res: dict) -> str:
    rows = ["| after chapter | kernel peak (MiB) | kernel now (MiB) |", "|---|---:|---:|"]
    rows += [f"| `{r['after']}` | {r['peak_mib']:.0f} | {r['rss_mib']:.0f} |" for r in res["chapters"]]
    s100, s500 = sizing(res["peak_mib"], 100), sizing(res["peak_mib"], 500)
    rows += ["", f"Measured: one kernel that ran every chapter in order peaked at **{res['peak_mib']:.0f} MiB** "
             f"(Python {res['python']}, {res['seconds']:.0f} s for all chapters). With the Jupyter server process "
             f"(about {SERVER_RSS_MIB} MiB) and 1.5× headroom that gives:", "",
             "| setting | value |", "|---|---|",
             f"| per-user memory limit (`mem_limit`) | {s100['limit_mib']} MiB |",
             f"| per-user guarantee (`mem_guarantee`) | {s100['guarantee_mib']} MiB |",
             f"| 100 learners at once (TLJH, one machine) | ≈ {s100['total_gib']:.0f} GiB of RAM |",
             f"| 500 learners at once (Z2JH, all nodes together) | ≈ {s500['total_gib']:.0f} GiB of RAM |"]
    return "\n".join(rows)


def write_report(res: dict, path: Path | None = None) -> Path:
    path = path or REPO_ROOT / "docs" / "deployment.md"
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- memory:start (python -m mgcourse.tools.hub memory --report) -->", "<!-- memory:end -->"
    if start not in text or end not in text:
        raise ValueError(f"{path} lacks the markers {start!r} … {end!r}")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(head + start + "\n" + report_markdown(res) + "\n" + end + tail, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ image
def repo2docker_plan(repo: Path = REPO_ROOT) -> dict:
    """What repo2docker would build, read from its offline dry run (``--no-build --no-run --debug``)."""
    exe = shutil.which("jupyter-repo2docker")
    if exe is None:
        raise FileNotFoundError("jupyter-repo2docker is not installed (it is in requirements-dev.txt)")
    proc = subprocess.run([exe, "--no-build", "--no-run", "--debug", str(repo)], capture_output=True, text=True,
                          timeout=300)
    text = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise RuntimeError(f"repo2docker dry run failed (exit {proc.returncode}):\n{text[-2000:]}")
    py = re.search(r"python=(\d+\.\d+)", text)
    installs = re.findall(r'pip install --no-cache-dir -r "?([\w./-]+)"?', text)
    return {"python": py.group(1) if py else None, "requirements": installs,
            "installs_project": bool(re.search(r"pip install --no-cache-dir \.\s*$", text, re.M)),
            "dockerfile": text}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mgcourse.tools.hub", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("links", help="nbgitpuller links, one per chapter")
    p.add_argument("--hub", required=True, help="the hub's URL, e.g. https://hub.example.org")
    p.add_argument("--repo", required=True, help="the course repository's public URL")
    p.add_argument("--branch", default="main")
    p.add_argument("--exercises", action="store_true", help="also link every exercise notebook")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table to paste into an LMS page")
    m = sub.add_parser("memory", help="peak memory of one learner running every chapter in one kernel")
    m.add_argument("--json", action="store_true")
    m.add_argument("--report", action="store_true", help="rewrite the measured table in docs/deployment.md")
    sub.add_parser("image", help="repo2docker's offline dry run: the Python and requirements of the hub image")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "links":
            links = course_links(args.hub, args.repo, args.branch, args.exercises)
            if args.markdown:
                print("| notebook | open on the hub |\n|---|---|")
                for nb, link in links:
                    print(f"| `{nb}` | [open]({link}) |")
            else:
                for nb, link in links:
                    print(f"{nb}\t{link}")
        elif args.cmd == "memory":
            res = measure_memory()
            if args.report:
                print(f"wrote {write_report(res)}")
            if args.json:
                print(json.dumps(res, indent=2))
            else:
                for r in res["chapters"]:
                    print(f"after {r['after']:<40} peak {r['peak_mib']:7.0f} MiB   now {r['rss_mib']:7.0f} MiB")
                print(f"peak resident memory of the kernel: {res['peak_mib']:.0f} MiB "
                      f"(all chapters in {res['seconds']:.0f} s, Python {res['python']})")
        else:
            plan = repo2docker_plan()
            print(f"python {plan['python']}; pip install -r {', '.join(plan['requirements']) or '(none)'}; "
                  f"installs the project: {plan['installs_project']}")
    except (ValueError, TypeError, FileNotFoundError, RuntimeError) as exc:
        parser.error(str(exc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
