"""Models of the course: each a set of small, pure, documented functions."""
