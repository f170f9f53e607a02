"""Builds the optional C prefilters (ftlsp/_speedups.c); everything else is in pyproject.toml.

``optional=True``: without a C compiler the install still succeeds and ftlsp uses the
pure-Python versions of the same functions (same answers, slower content rules).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("ftlsp._speedups", ["ftlsp/_speedups.c"], optional=True)])
