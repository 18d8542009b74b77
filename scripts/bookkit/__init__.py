"""Build tooling of the book (not science): the reproduction scorecard and its conditions.

Lives under ``scripts/`` so that the science package ``lib/`` keeps only the papers' models;
scripts import it as ``from bookkit import scorecard`` (their folder is on ``sys.path``) and the
tests through pytest's ``pythonpath = ["scripts"]`` (``pyproject.toml``). Needs PyYAML and
Matplotlib, both pinned in ``requirements.txt``.
"""
