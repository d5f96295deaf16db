"""Shared test setup: a non-interactive matplotlib backend and the repo root."""

import os

# Agg in this process only: kernels that nbval and the runner start inherit the environment, and a kernel with
# MPLBACKEND=Agg shows nothing for plt.show() (the inline backend is what a learner's kernel uses).
# checks append to a learner progress file; tests (and the kernels they start) must not write to the real one
os.environ.setdefault("MGCOURSE_PROGRESS", "off")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
