"""Where the repository's data lives, independent of the working directory.

Papermill starts kernels in the caller's directory, so notebooks must never
use relative paths such as ``../data``; they ask this module instead.

Examples
--------
>>> from lib import paths
>>> paths.DATA_DIR.name
'data'
"""

from __future__ import annotations

from pathlib import Path

#: Root of the repository (the folder holding ``pyproject.toml``).
REPO_ROOT: Path = Path(__file__).resolve().parent.parent
#: The ``data/`` folder; see ``data/README.md`` for the provenance of each file.
DATA_DIR: Path = REPO_ROOT / "data"
