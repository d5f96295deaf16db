"""Shared test setup: a non-interactive matplotlib backend and the repo root."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
