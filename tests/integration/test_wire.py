"""RFC 5880 behaviour of edgebfdd on the wire, against a peer scripted by
hand (scripted_peer.py) so every packet and its timing is observed, with the
real daemon, sockets and timers. Tolerances allow for scheduling only."""

import json
import os
import sys

import pytest

from nslab import run

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripted_peer.py")
SLACK = 0.020  # seconds of scheduling slack on each bound


@pytest.mark.parametrize("fam", [4, 6], ids=["ipv4", "ipv6"])
def test_rfc5880_on_the_wire(topo, edgebfdd_factory, fam):
    ours = edgebfdd_factory(topo.ce)
    ours.add_session("a", "eth1", topo.addr("ce", fam), topo.addr("peer", fam))
    ours.start()
    cp = run(topo.peer.cmd([sys.executable, SCRIPT, topo.addr("peer", fam),
                            topo.addr("ce", fam)]), timeout=30)
    r = json.loads(cp.stdout)

    # 6.8.3, 6.8.7: while not Up, Desired Min TX >= 1 s, jittered to 75-100%.
    down = r["down_packets"]
    assert len(down) >= 3, down
    for prev, cur in zip(down, down[1:]):
        gap = cur["t"] - prev["t"]
        assert 0.75 - SLACK <= gap <= 1.0 + SLACK, (gap, down)
    for p in down:
        assert p["state"] == 1 and p["your"] == 0 and p["tx"] >= 1_000_000, p
        assert not p["demand"] and p["echo"] == 0 and p["mult"] == 3, p

    # 6.2: Down from us -> Init at once, addressed to us.
    assert r["init"] and r["init"]["state"] == 2, r["init"]
    assert r["init"]["your"] == 0x5eed0001 and r["init"]["latency"] < 0.05, r["init"]

    # 6.2: Up from us -> Up at once; 6.8.3: the drop from 1 s to 300 ms is
    # a change of Desired Min TX, announced with a Poll.
    assert r["up"] and r["up"]["latency"] < 0.05, r["up"]
    assert r["up"]["poll"] and r["up"]["tx"] == 300_000, r["up"]

    # 6.8.7: while Up, periodic packets every 75-100% of 300 ms.
    periodic = [p for p in r["up_packets"] if not p["final"]]
    assert all(p["state"] == 3 for p in r["up_packets"]), r["up_packets"]
    gaps = [b["t"] - a["t"] for a, b in zip(periodic, periodic[1:])]
    assert len(gaps) >= 8, periodic
    assert all(0.225 - SLACK <= g <= 0.300 + SLACK for g in gaps), gaps
    assert not any(p["poll"] for p in periodic[1:]), "the Poll ended with our Final"

    # 6.8.7: a Poll is answered with a Final at once, P clear.
    assert r["final"] and r["final"]["latency"] < 0.05 and not r["final"]["poll"], r["final"]

    # 6.8.4: Down with diag 1 one Detection Time (3 x 300 ms) after the last
    # packet, and told to the peer at once.
    d = r["detect"]
    assert d and d["diag"] == 1, d
    assert abs(d["after_last_packet"] - 0.9) <= 0.05, d
