"""Course tooling: what authors, instructors and CI run, not what a learner imports.

runner       execute a notebook reproducibly (fresh kernel, counts 1, 2, 3 …)
notebooks    ``python -m mgcourse.tools.notebooks refresh``: re-execute and store outputs
exercises    ``python -m mgcourse.tools.exercises build``: student notebooks from the solutions
figures      ``python -m mgcourse.tools.figures``: regenerate ``figures/``
build_data   ``python -m mgcourse.tools.build_data``: rebuild ``data/foods.csv`` and the checksums
site         ``python -m mgcourse.tools.site build``: the offline static site
bench        ``python -m mgcourse.tools.bench``: measured speed of widgets and notebooks

Nothing in the learner-facing part of :mod:`mgcourse` imports this sub-package.
"""
