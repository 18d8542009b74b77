"""Make sure headless Chromium and ChromeDriver are available for the browser check.

Installs Debian's ``chromium`` and ``chromium-driver`` with apt-get when they are
missing and we run as root; otherwise prints a SKIPPED line naming what is
missing (the browser test then skips with the same reason, unless
``REQUIRE_BROWSER_CHECK=1`` makes it fail).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES = {"chromium": "chromium", "chromedriver": "chromium-driver"}


def missing() -> list[str]:
    return [pkg for exe, pkg in PACKAGES.items() if shutil.which(exe) is None]


def main() -> int:
    need = missing()
    if not need:
        print("ensure_chromium: chromium and chromedriver present")
        return 0
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(f"ensure_chromium: SKIPPED install of {' '.join(need)} (not root or no apt-get); "
              "the browser check will be skipped")
        return 0
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print(f"ensure_chromium: installing {' '.join(need)} with apt-get", flush=True)
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *need], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    still = missing()
    if still:
        print(f"ensure_chromium: {' '.join(still)} still missing after apt-get", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
