"""Exercise definitions, one module per chapter (``ch00.py``, ``ch02.py`` ...).

Each module registers its exercises with :func:`mgcourse.checks.exercise`; the
``check`` object imports every module here on first use.
"""
