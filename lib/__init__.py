"""Shared library of the book.

One module per idea of the papers, each traceable to its chapter:

==========================  ============================================
module                      chapter
==========================  ============================================
:mod:`lib.likelihood`       1 -- the likelihood derivation (Eqs. 1-9)
:mod:`lib.lsh`              2 -- cosine-distance LSH (Eqs. 10-13)
:mod:`lib.maxlikelihood`    3 -- Algorithm 1: faithful, fast and joint samplers
:mod:`lib.lyapunov`         3 -- the top two Lyapunov exponents and their gap
:mod:`lib.convergence`      4 -- the convergence test (Eq. 22, Fig. 2) and its prediction
:mod:`lib.spacetime`        5 -- the spacetime embedding and Eqs. 25-28
:mod:`lib.gradient_descent` 6 -- Algorithm 2, its closed form and the three-matrix reading
:mod:`lib.data`             7-9 -- message images drawn by code, two shipped photographs
:mod:`lib.reconciliation`   7 -- Eqs. 35-36: keys, encryption, bit error rates
:mod:`lib.adversarial`      8 -- adversarial examples as reconciliation, PSNR formula
:mod:`lib.uncertainty`      9 -- neural packets, paper vs Hermitian momentum, slice method
:mod:`lib.classifier`       9 -- NumPy classifier, input gradients, PGD
:mod:`lib.cnn`              10 -- the paper's MNIST CNN in PyTorch, PGD/FGSM, slices (not imported here)
:mod:`lib.class_map`        10 -- Fig. 1: t-SNE map, class regions, attacked points (not imported here)
:mod:`lib.params`           all -- checks on a chapter's parameters (papermill runs)
:mod:`lib.specs`            all -- each chapter's parameter rules (``ch01`` ... ``ch10``)
==========================  ============================================

Every random function takes a seeded :class:`numpy.random.Generator`;
nothing here keeps global state.
"""

from lib import (
                 adversarial,
                 classifier,
                 convergence,
                 data,
                 gradient_descent,
                 likelihood,
                 lsh,
                 lyapunov,
                 maxlikelihood,
                 params,
                 paths,
                 reconciliation,
                 spacetime,
                 uncertainty,
)

__all__ = [
    "adversarial", "classifier", "convergence", "data", "gradient_descent", "likelihood", "lsh", "lyapunov",
    "maxlikelihood", "params", "paths", "reconciliation", "spacetime", "uncertainty",
]
