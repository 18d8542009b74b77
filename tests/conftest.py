"""Shared pytest set-up: deterministic property tests in CI."""

import os

from hypothesis import settings

# In CI the property tests draw the same examples every run (no flaky reds); locally they
# explore new examples each time. Neither writes a .hypothesis/ database into the tree.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.register_profile("dev", database=None, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
