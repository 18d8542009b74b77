"""Fail early, with a clear message, if the interpreter is older than the book needs."""

import sys

if sys.version_info < (3, 11):
    sys.exit(f"Python >= 3.11 is required to set up the book; {sys.executable} is {sys.version.split()[0]}. "
             "Run `make PYTHON=python3.11 ...`.")
