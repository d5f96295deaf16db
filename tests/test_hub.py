"""Class deployment tooling (``python -m mgcourse.tools.hub``): nbgitpuller links, the memory measurement, and
repo2docker's offline check that the hub image is built from this repository's own files."""

import os
import re
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest

from mgcourse import REPO_ROOT
from mgcourse.tools import hub
from mgcourse.tools.runner import course_notebooks

HUB, REPO = "https://hub.example.org", "https://github.com/example/mg-course.git"


def test_pull_link_round_trips_through_the_query_string():
    link = hub.pull_link(HUB, REPO, "notebooks/04_vicious_cycle.ipynb", branch="spring-2027")
    parts = urlsplit(link)
    assert parts.scheme == "https" and parts.netloc == "hub.example.org"
    assert parts.path == "/hub/user-redirect/git-pull"
    q = parse_qs(parts.query)
    assert q == {"repo": [REPO], "urlpath": ["lab/tree/mg-course/notebooks/04_vicious_cycle.ipynb"],
                 "branch": ["spring-2027"]}


def test_one_link_per_chapter_and_exercise_in_teaching_order():
    links = hub.course_links(HUB, REPO, exercises=True)
    chapters = [nb for nb, _ in links if nb.startswith("notebooks/")]
    assert chapters == [p.relative_to(REPO_ROOT).as_posix() for p in course_notebooks()]
    exercises = [nb for nb, _ in links if nb.startswith("exercises/")]
    assert len(exercises) >= len(chapters) - 1          # every chapter with exercises has its link
    for nb, _ in links:
        assert (REPO_ROOT / nb).is_file()


@pytest.mark.parametrize("kwargs, word", [
    (dict(hub_url="ftp://hub", repo_url=REPO, notebook="notebooks/00_welcome.ipynb"), "hub"),
    (dict(hub_url=HUB, repo_url="not a url", notebook="notebooks/00_welcome.ipynb"), "repo"),
    (dict(hub_url=HUB, repo_url=REPO, notebook="../etc/passwd"), "notebook"),
    (dict(hub_url=HUB, repo_url=REPO, notebook="notebooks/00_welcome.ipynb", branch="a b"), "branch"),
    (dict(hub_url=None, repo_url=REPO, notebook="notebooks/00_welcome.ipynb"), "hub"),
])
def test_bad_link_arguments_name_the_parameter(kwargs, word):
    with pytest.raises((ValueError, TypeError), match=word):
        hub.pull_link(**kwargs)


def test_links_cli_prints_a_markdown_table(capsys):
    assert hub.main(["links", "--hub", HUB, "--repo", REPO, "--markdown"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "| notebook | open on the hub |"
    assert len(out) == 2 + len(course_notebooks())


def test_memory_measurement_reads_the_kernels_peak():
    res = hub.measure_memory([REPO_ROOT / "notebooks" / "00_welcome.ipynb"])
    assert [r["after"] for r in res["chapters"]] == ["00_welcome.ipynb"]
    # a kernel that imported numpy, pandas and matplotlib holds tens of MiB at least, and far less than 24 GiB
    assert 50 < res["peak_mib"] < 4096
    assert res["chapters"][0]["rss_mib"] <= res["peak_mib"] + 1e-9


def test_deployment_guide_quotes_the_measured_memory():
    guide = (REPO_ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert "python -m mgcourse.tools.hub memory" in guide
    assert re.search(r"peak[^\n]*\d+ MiB", guide), "the guide must state the measured peak in MiB"
    for needed in ("The Littlest JupyterHub", "Zero to JupyterHub", "repo2docker", "nbgitpuller", "mem_limit"):
        assert needed in guide


@pytest.mark.skipif(shutil.which("jupyter-repo2docker") is None and os.environ.get("CI") != "true",
                    reason="jupyter-repo2docker not installed (pip install -r requirements-dev.txt)")
def test_repo2docker_builds_the_image_from_the_repositorys_own_files():
    plan = hub.repo2docker_plan()
    runtime = (REPO_ROOT / "runtime.txt").read_text().strip().removeprefix("python-")
    assert plan["python"] == runtime
    assert plan["requirements"] == ["requirements.txt"]
    assert plan["installs_project"]
    req = (REPO_ROOT / "requirements.txt").read_text()
    assert "nbgitpuller==" in req, "the hub image needs nbgitpuller for the chapter links"
