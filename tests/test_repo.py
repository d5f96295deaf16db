"""The repository keeps its promises: pinned requirements, the README's two commands, CI running
the README's test command, a course map that matches the notebooks, and a figures folder made by code."""

import re

from mgcourse import REPO_ROOT
from mgcourse.course_map import CHAPTERS
from mgcourse.welcome import COURSE_MAP

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_requirements_are_pinned():
    lines = [ln.split("#")[0].strip() for ln in (REPO_ROOT / "requirements.txt").read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    assert "-e ." in lines
    for ln in lines:
        if ln != "-e .":
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][A-Za-z0-9.+\-]*", ln), f"not pinned with ==: {ln}"
    names = {ln.split("==")[0].lower() for ln in lines if "==" in ln}
    assert names >= {"jupyterlab", "ipywidgets", "matplotlib", "numpy", "scipy", "pandas", "nbval", "pytest"}


def test_readme_quick_start_commands():
    assert "python -m pip install -r requirements.txt && python -m jupyter lab --ServerApp.root_dir=. notebooks/00_welcome.ipynb" in README
    assert "python -m pip install -r requirements.txt && python -m pytest" in README


def test_open_command_is_the_same_everywhere():
    m = re.search(r"python -m pip install -r requirements.txt && (python -m jupyter lab [^\n`]*)", README)
    assert m, "README has no open command"
    open_command = m.group(1).strip()
    assert "--ServerApp.root_dir=." in open_command  # the repository, not notebooks/, is the server root
    for name in ("INSTRUCTORS.md", "CONTRIBUTING.md", "notebooks/00_welcome.ipynb"):
        assert open_command in (REPO_ROOT / name).read_text(encoding="utf-8"), f"{name} states another open command"


def test_ci_runs_the_readme_test_command_in_a_fresh_venv():
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "-m venv" in ci and "pip install" in ci and "-r requirements.txt" in ci
    assert re.search(r"^python -m pytest\s*$", ci, re.M)


def test_course_map_matches_notebooks_and_readme():
    on_disk = {p.name for p in (REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    in_map = {nb for _, nb, _, _ in COURSE_MAP}
    assert on_disk <= in_map, f"notebooks missing from the course map: {sorted(on_disk - in_map)}"
    for c in CHAPTERS:
        if c.notebook in on_disk:
            assert f"| {c.number} | [`{c.stem}`](notebooks/{c.notebook}) |" in README, f"README course map lacks {c.notebook}"
            assert f"| {c.time_text} |" in README


def test_readme_links_resolve():
    for target in re.findall(r"\]\((?!https?://)([^)#]+)", README):
        assert (REPO_ROOT / target).exists(), f"README links to a missing file: {target}"
