"""Shared library of the book.

One module per idea of the papers, each traceable to its chapter:

========================  ==============================================
module                    chapter
========================  ==============================================
:mod:`lib.likelihood`     1 -- the likelihood derivation (Eqs. 1-9)
:mod:`lib.lsh`            2 -- cosine-distance LSH (Eqs. 10-13)
========================  ==============================================

Every random function takes a seeded :class:`numpy.random.Generator`;
nothing here keeps global state.
"""

from lib import likelihood, lsh, paths

__all__ = ["likelihood", "lsh", "paths"]
