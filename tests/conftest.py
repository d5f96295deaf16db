"""Shared test setup: a non-interactive matplotlib backend and the repo root."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
# checks append to a learner progress file; tests (and the kernels they start) must not write to the real one
os.environ.setdefault("MGCOURSE_PROGRESS", "off")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
