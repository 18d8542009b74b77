"""Build the book's HTML into ``_build/html`` with Jupyter Book 1.x, failing on any warning.

``--execute force`` runs every notebook afresh (``make book``); ``--execute off``
renders the committed outputs (``make test``, after nbval has checked them).
The switch is made on a copy of ``_config.yml`` under ``_build/`` so the
committed configuration is never edited.

Jupyter Book exits 0 on a failing notebook unless given ``-W -n --keep-going``;
those flags are always passed here.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--execute", choices=["force", "off"], required=True,
                        help="force: execute every notebook; off: use the committed outputs")
    args = parser.parse_args()

    # Pages computed from the chapters (scorecard, runtimes) are generated before every build.
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_pages.py")], check=True, cwd=ROOT)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config.setdefault("execute", {})["execute_notebooks"] = args.execute
    # Jupyter Book resolves local extension folders against the config file's
    # folder; the copy lives in _build/, so make them absolute.
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, folder in local.items():
        local[name] = str((ROOT / folder).resolve())
    build = ROOT / "_build"
    build.mkdir(exist_ok=True)
    config_path = build / f"_config.execute-{args.execute}.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))

    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--config", str(config_path), "--all", "-W", "-n", "--keep-going"]
    print("build_html:", " ".join(cmd), flush=True)
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT)
    print(f"build_html: execute={args.execute} finished in {time.perf_counter() - start:.0f} s "
          f"with exit code {result.returncode}", flush=True)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
