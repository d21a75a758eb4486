"""pytest setup for the desktop end-to-end test (see README.md beside this file).

Steps in a class marked `incremental` depend on each other: after a failure the later steps are
reported as skipped ("previous step failed") instead of failing for the same reason. A failing
step leaves a FAILED-<name>.png screenshot next to the others.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import desk  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "incremental: later steps are skipped once one fails")
    config.addinivalue_line("markers", "not_a_step: a check whose failure does not stop the later steps")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" and rep.failed:
        if "incremental" in item.keywords and "not_a_step" not in item.keywords and item.parent is not None:
            item.parent._previousfailed = item  # type: ignore[attr-defined]
        drv = getattr(item.cls, "drv", None) if item.cls is not None else None
        if drv is not None:
            try:
                # Through desk.shot: a bare screenshot can wait forever for a repaint.
                desk.shot(drv, f"FAILED-{item.name}")
            except Exception:  # noqa: BLE001 - best effort
                pass


def pytest_runtest_setup(item):
    if "incremental" in item.keywords and item.parent is not None:
        prev = getattr(item.parent, "_previousfailed", None)
        if prev is not None:
            pytest.skip(f"previous step failed ({prev.name})")
