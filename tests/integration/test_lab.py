"""The README's lab (scripts/lab.py), small: 50 prefixes, in both modes.

Runs the script as a user would and reads its --json timeline: the run must
succeed, BFD must go Down one Detection Time after MSEE1's last packet, every
prefix must be repaired after the Down and come back to ECMP after the
restore, and bgpd must have reset the neighbor. With edgebfdd the repair is
done within 100 ms of the Down (FRR's bfdd -> bgpd -> zebra path is only
required to get there).
"""

import json
import os
import subprocess
import sys

import pytest

LAB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "lab.py")
PREFIXES = 50


def run_lab(tmp_path, mode):
    out = tmp_path / f"lab-{mode}.json"
    argv = [sys.executable, LAB, "--mode", mode, "--prefixes", str(PREFIXES),
            "--json", str(out), "--edgebfdd", os.environ["EDGEBFDD"]]
    if os.environ.get("EDGEBFDCTL"):
        argv += ["--edgebfdctl", os.environ["EDGEBFDCTL"]]
    cp = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert cp.returncode == 0, f"lab.py --mode {mode} failed:\n{cp.stdout}\n{cp.stderr[-6000:]}"
    return json.loads(out.read_text()), cp.stdout


@pytest.mark.parametrize("mode", ["edgebfdd", "frr-bfdd"])
def test_lab_timeline(tmp_path, mode):
    if not os.environ.get("EDGEBFDD"):
        pytest.fail("EDGEBFDD is not set", pytrace=False)
    res, text = run_lab(tmp_path, mode)
    f, r = res["failover"], res["recovery"]
    for heading in ("BGP: msee1 Established", "cutting the primary", "restoring the primary"):
        assert heading in text
    assert f["last_rx"] is not None and f["last_rx"] < f["cut"] < f["down"]
    # 300 ms x 3: Down 900 ms after the last packet (scheduling slack only)
    assert 880 <= res["detection_ms"] <= 960, res
    assert f["repaired"] == PREFIXES and r["ecmp"] == PREFIXES, res
    assert f["down"] <= f["repaired_first"] <= f["repaired_last"], res
    assert f["bgp_reset"] is not None and f["bgp_reset"] >= f["down"] - 0.001, res
    if mode == "edgebfdd":
        assert res["repair_ms"] < 100, res
        # MSEE1's neighbour entry marked failed at the Down (the timeline
        # shows it, and traffic is off MSEE1 from then on)
        assert f["neighbor_failed"] is not None, res
        assert f["down"] - 0.001 <= f["neighbor_failed"] <= f["down"] + 0.050, res
        assert "MSEE1's neighbor entry failed" in text
    assert r["restored"] < r["bfd_up"] and r["bgp_established"] is not None, res
    assert r["ecmp_last"] > r["restored"], res
