"""Decide, once, whether the browser check runs; install Chromium when we can.

Installs Debian's ``chromium`` and ``chromium-driver`` with apt-get when they are missing
and we run as root. Otherwise the browser check cannot run, and :func:`ensure` says so in
one line: it will be SKIPPED (the pytest browser tests then skip with the same reason), or,
with ``REQUIRE_BROWSER_CHECK=1`` in the environment, ``make test`` stops right away instead
of failing after the whole suite.

``python scripts/ensure_chromium.py`` (``make check``) prints the decision; exit 1 only
when the check is required and impossible, or when apt-get did not provide the tools.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES = {"chromium": "chromium", "chromedriver": "chromium-driver"}


def missing(which=None) -> list[str]:
    which = which or shutil.which
    return [pkg for exe, pkg in PACKAGES.items() if which(exe) is None]


def can_install(euid: int | None = None, which=None) -> bool:
    which = which or shutil.which
    euid = os.geteuid() if euid is None else euid
    return euid == 0 and which("apt-get") is not None


def decide(which=None, euid: int | None = None, env=None) -> tuple[str, str]:
    """``(action, message)`` with action 'run', 'install', 'skip' or 'fail'; nothing is changed."""
    env = os.environ if env is None else env
    need = missing(which)
    if not need:
        return "run", "browser check: ON (chromium and chromedriver present)"
    if can_install(euid, which):
        return "install", f"browser check: ON after installing {' '.join(need)} with apt-get (running as root)"
    why = f"{' '.join(need)} missing and not installable here (needs root and apt-get)"
    if env.get("REQUIRE_BROWSER_CHECK") == "1":
        return "fail", (f"browser check: REQUIRED (REQUIRE_BROWSER_CHECK=1) but {why}; stopping before the tests. "
                        f"Install them (apt-get install {' '.join(need)}) or unset REQUIRE_BROWSER_CHECK.")
    return "skip", (f"browser check: SKIPPED -- {why}; every other test runs, the browser tests are reported as "
                    f"skipped. Install them (apt-get install {' '.join(need)}) to run it; "
                    "REQUIRE_BROWSER_CHECK=1 makes this an error.")


def ensure(env=None) -> tuple[bool, str]:
    """Install if needed and possible; ``(browser_check_runs, message)``. Raises SystemExit on 'fail'."""
    action, message = decide(env=env)
    if action == "fail":
        raise SystemExit(message)
    if action == "install":
        need = missing()
        apt_env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        print(f"ensure_chromium: installing {' '.join(need)} with apt-get", flush=True)
        subprocess.run(["apt-get", "update", "-q"], check=True, env=apt_env, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *need], check=True,
                       env=apt_env, stdout=subprocess.DEVNULL)
        still = missing()
        if still:
            raise SystemExit(f"browser check: {' '.join(still)} still missing after apt-get")
    return action != "skip", message


def main() -> int:
    try:
        _, message = ensure()
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 1
    print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
