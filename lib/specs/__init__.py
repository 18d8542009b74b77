"""Each chapter's parameter rules, one module per chapter (``ch01`` ... ``ch10``).

A module holds ``SPEC`` (type and range of every knob in the chapter's ``parameters`` cell),
``CONSTRAINTS`` (rules tying knobs together), ``cost_seconds`` (estimated run time) with
``MAX_SECONDS``, and ``check(namespace)``, which the chapter calls in the cell after its
parameters::

    from lib.specs import ch04
    ch04.check(globals())

The rules live here rather than in the notebooks so that they are tested without running a
chapter (``tests/test_specs.py``) and the notebooks keep only their parameters and calls.
"""
