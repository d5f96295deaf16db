"""The repository keeps its promises: pinned requirements, the README's two commands, CI running
the README's test command, a course map that matches the notebooks, and a figures folder made by code."""

import re

from packaging.version import Version

from mgcourse import REPO_ROOT
from mgcourse.course_map import CHAPTERS
from mgcourse.welcome import COURSE_MAP

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


PINNED = re.compile(r"([A-Za-z0-9_.\-\[\]]+)==([0-9][A-Za-z0-9.+\-]*)")
LEARNER = {"jupyterlab", "ipykernel", "ipywidgets", "ipympl", "matplotlib", "numpy", "scipy", "pandas", "nbformat"}
TOOLING = {"pytest", "nbval", "hypothesis", "playwright", "sphinx", "myst-nb", "sphinx-book-theme", "nbgrader"}


def requirement_lines(name: str) -> list[str]:
    lines = [ln.split("#")[0].strip() for ln in (REPO_ROOT / name).read_text().splitlines()]
    return [ln for ln in lines if ln]


def pins(name: str) -> dict[str, str]:
    """{package (lower case): version} of a requirements file; every line is pinned, -e . or -r <file>."""
    found = {}
    for ln in requirement_lines(name):
        if ln == "-e ." or ln.startswith("-r "):
            continue
        match = PINNED.fullmatch(ln)
        assert match, f"{name}: not pinned with ==: {ln}"
        found[match[1].lower()] = match[2]
    return found


def test_learner_requirements_are_pinned_and_lean():
    assert "-e ." in requirement_lines("requirements.txt")
    learner = pins("requirements.txt")
    assert set(learner) >= LEARNER, f"requirements.txt lacks {sorted(LEARNER - set(learner))}"
    assert not set(learner) & TOOLING, f"tooling in the learner install: {sorted(set(learner) & TOOLING)}"


def test_environment_check_asks_only_for_the_learner_install():
    from mgcourse.welcome import PACKAGES

    assert set(PACKAGES) - {"mgcourse"} <= set(pins("requirements.txt")), "chapter 00 would report tooling as missing"


def test_dev_and_instructor_requirements_build_on_the_learner_set():
    learner = pins("requirements.txt")
    for name, needs in (("requirements-dev.txt", TOOLING - {"nbgrader"}), ("requirements-instructor.txt", {"nbgrader"})):
        assert requirement_lines(name)[0] == "-r requirements.txt", f"{name} must start with -r requirements.txt"
        extra = pins(name)
        assert set(extra) >= needs, f"{name} lacks {sorted(needs - set(extra))}"
        assert not set(extra) & set(learner), f"{name} re-pins {sorted(set(extra) & set(learner))}"
    assert pins("requirements-instructor.txt")["nbgrader"].startswith("0.9.")


def test_minimum_requirements_match_pyproject():
    import tomllib

    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    minimums = {}
    for dep in project["dependencies"]:
        name, _, version = dep.partition(">=")
        assert version, f"pyproject dependency without a minimum: {dep}"
        minimums[name.strip().lower()] = version.strip()
    pinned = pins("requirements-min.txt")
    for name, version in minimums.items():  # PEP 440: 1.26 == 1.26.0
        assert name in pinned and Version(pinned[name]) == Version(version), (
            f"requirements-min.txt must pin {name}=={version} (pyproject's minimum), got {pinned.get(name)}")
    assert "-e ." in requirement_lines("requirements-min.txt")


def test_readme_quick_start_commands():
    assert "python -m pip install -r requirements.txt && python -m jupyter lab --ServerApp.root_dir=. notebooks/00_welcome.ipynb" in README
    assert "python -m pip install -r requirements-dev.txt && python -m pytest" in README


def test_open_command_is_the_same_everywhere():
    m = re.search(r"python -m pip install -r requirements.txt && (python -m jupyter lab [^\n`]*)", README)
    assert m, "README has no open command"
    open_command = m.group(1).strip()
    assert "--ServerApp.root_dir=." in open_command  # the repository, not notebooks/, is the server root
    for name in ("INSTRUCTORS.md", "CONTRIBUTING.md", "notebooks/00_welcome.ipynb"):
        assert open_command in (REPO_ROOT / name).read_text(encoding="utf-8"), f"{name} states another open command"


def test_ci_runs_the_readme_test_command_in_a_fresh_venv():
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "-m venv" in ci and "pip install" in ci
    for name in ("requirements-dev.txt", "requirements-instructor.txt", "requirements-min.txt"):
        assert f"-r {name}" in ci, f".ci/run does not install {name}"
    assert re.search(r"^python -m pytest\s*$", ci, re.M)
    assert "--nbval-lax" in ci


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
