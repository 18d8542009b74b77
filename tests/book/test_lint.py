"""ruff (pinned in requirements.txt, configured in pyproject.toml) finds nothing in the repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_reports_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
                             str(ROOT)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_configured_and_finds_a_planted_problem(tmp_path):
    """Not vacuous: the configuration is read and an unused import in a new file is reported."""
    planted = tmp_path / "planted.py"
    planted.write_text("import os\n" + "x = 1  # " + "y" * 140 + "\n")
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
                             "--config", str(ROOT / "pyproject.toml"), str(planted)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "F401" in result.stdout and "E501" in result.stdout
