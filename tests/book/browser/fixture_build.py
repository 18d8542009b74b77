"""Build the explorer test book (``explorer_book/``) with the book's own configuration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
SOURCE = Path(__file__).resolve().parent / "explorer_book"


def fixture_config() -> dict:
    """The book's ``_config.yml`` with every path made absolute and execution forced."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["title"] = "Explorer test book"
    config["execute"]["execute_notebooks"] = "force"
    config["execute"]["timeout"] = 120
    config["bibtex_bibfiles"] = [str(ROOT / f) for f in config.get("bibtex_bibfiles", [])]
    sphinx = config["sphinx"]
    sphinx["local_extensions"] = {name: str(ROOT / folder) for name, folder in sphinx["local_extensions"].items()}
    conf = sphinx["config"]
    conf["html_static_path"] = [str(ROOT / p) for p in conf["html_static_path"]]
    if "html_favicon" in conf:
        conf["html_favicon"] = str(ROOT / conf["html_favicon"])
    return config


def build(output: Path) -> subprocess.CompletedProcess:
    """Build into ``output/_build/html``; return the finished jupyter-book process (output captured)."""
    output.mkdir(parents=True, exist_ok=True)
    config_path = output / "_config.yml"
    config_path.write_text(yaml.safe_dump(fixture_config(), sort_keys=False))
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(SOURCE), "--config", str(config_path), "--toc", str(SOURCE / "_toc.yml"),
           "--path-output", str(output), "--all", "-W", "-n", "--keep-going"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
