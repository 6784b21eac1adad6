"""Fixtures for the edgebfd integration tests (network namespaces, FRR, BIRD,
edgebfdd). Nothing is skipped: missing root or tools fail loudly."""

import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import nslab  # noqa: E402


def _require_environment():
    problems = []
    if os.geteuid() != 0:
        problems.append("must run as root (network namespaces, FRR, BIRD)")
    for tool in ("ip", "bridge", "sysctl", nslab.VTYSH, nslab.BIRD, nslab.BIRDC,
                 os.path.join(nslab.FRR_DIR, "zebra"), os.path.join(nslab.FRR_DIR, "bfdd")):
        if shutil.which(tool) is None:
            problems.append(f"missing tool {tool}")
    return problems


@pytest.fixture(scope="session", autouse=True)
def environment_ok():
    problems = _require_environment()
    if problems:
        pytest.fail("integration environment unusable: " + "; ".join(problems),
                    pytrace=False)


@pytest.fixture
def lab(request):
    lab = nslab.Lab()
    try:
        yield lab
    finally:
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            # Daemon logs help more than the assertion alone.
            print("\n" + lab.logs(), file=sys.stderr)
        lab.cleanup()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


@pytest.fixture
def topo(lab):
    return nslab.Topology(lab)


@pytest.fixture
def frr_factory(lab):
    def make(ns, name=None):
        return nslab.FrrInstance(lab, ns, name=name).start()
    return make


@pytest.fixture
def bird_factory(lab):
    def make(ns, **kw):
        return nslab.BirdInstance(lab, ns, **kw)
    return make


@pytest.fixture
def edgebfdd_factory(lab):
    if not os.environ.get("EDGEBFDD"):
        pytest.fail("EDGEBFDD is not set: run through `meson test --suite integration` "
                    "or export EDGEBFDD=/path/to/edgebfdd (and EDGEBFDCTL)", pytrace=False)

    def make(ns, name="edgebfdd"):
        return nslab.Edgebfdd(lab, ns, name=name)
    return make


@pytest.fixture(scope="module")
def bgpd_installed():
    """For modules that need FRR's bgpd (pytestmark usefixtures)."""
    if not os.access(os.path.join(nslab.FRR_DIR, "bgpd"), os.X_OK):
        pytest.fail(f"missing {nslab.FRR_DIR}/bgpd (package frr)", pytrace=False)
