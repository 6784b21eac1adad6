"""engine = frr-bfdd (issue 6) for real: FRR 8.4's bfdd on the CE runs the
BFD sessions to both peers, edgebfdd follows them and runs its route action
on bfdd's state changes: through bfdd's control socket (bfdd.sock), and,
when that socket is not there (later FRR releases dropped it), by reading
"show bfd peers json" through bfdd's vty every frr-bfdd-poll-interval.

Topology as in test_routes.py: ce:eth1 -- sw:br1 -- p1, ce:eth2 -- sw:br2 --
p2; the peers run edgebfdd (100 ms x 3), the CE runs FRR zebra+bfdd with
the same timers and edgebfdd with engine = frr-bfdd.
"""
import os
import time

import pytest

import nslab
from nslab import wait_for
from test_routes import (RouteLab, ecmp_lines, only_via, poll_until,
                         restore_after_hold_down, v4_prefix)

POLL_MS = 200


def start_frr_engine(lab, edgebfdd_factory, feed, sessions=RouteLab.SESSIONS):
    """The CE's bfdd with both peers, the peers, and edgebfdd following
    bfdd (feed "socket": bfdd.sock; "poll": bfdd's control socket moved
    elsewhere, so edgebfdd polls) with the given sessions configured.
    Returns the RouteLab."""
    rl = RouteLab(lab, edgebfdd_factory)
    ours = rl.configure(fam=4)
    frr = nslab.FrrInstance(lab, rl.ce)
    extra = []
    if feed == "poll":
        extra = ["--bfdctl", os.path.join(lab.tmp, "bfdd-elsewhere.sock")]
    frr.start(bfdd_args=extra)
    for i in (0, 1):
        frr.wait_interface(f"eth{i + 1}")
        frr.configure_peer(rl.peer_addr(i), interface=f"eth{i + 1}", local=rl.ce_addr(i),
                           transmit_ms=rl.interval_ms, receive_ms=rl.interval_ms,
                           multiplier=rl.mult)
    assert os.path.exists(os.path.join(frr.rundir, "bfdd.sock")) == (feed == "socket")
    ours.daemon_cfg.update({"engine": "frr-bfdd", "frr-vty-dir": frr.rundir,
                            "frr-bfdd-poll-interval": f"{POLL_MS}ms"})
    rl.all_sessions = dict(ours.sessions_cfg)
    for name in set(rl.SESSIONS) - set(sessions):
        del ours.sessions_cfg[name]
    for d in rl.theirs:
        d.start()
    ours.start()
    for name in sessions:
        s = ours.wait_state(name, "up", 10.0)
        assert s["engine"] == "frr-bfdd", s
        assert s["packets_rx"] == 0 and s["packets_tx"] == 0, s  # bfdd does the talking
    rl.frr = frr
    return rl


@pytest.mark.parametrize("feed", ["socket", "poll"])
def test_frr_bfdd_drives_route_action(lab, edgebfdd_factory, feed):
    """bfdd detects the silent cut of the primary; edgebfdd moves 100 ECMP
    prefixes to the secondary within bfdd's detection time plus a margin
    (plus one poll interval when polling), and restores them hold-down
    after bfdd reports the session Up again."""
    rl = start_frr_engine(lab, edgebfdd_factory, feed)
    P1, P2 = rl.P(0), rl.P(1)
    prefixes = [v4_prefix(i) for i in range(100)]
    rl.ce.ip_batch(ecmp_lines(prefixes, P1, P2))
    only = set(prefixes)
    before = rl.table(only=only)
    secondary_only = only_via(rl, prefixes, P2, "eth2")
    detection_s = rl.interval_ms * rl.mult / 1000
    budget = detection_s + 0.1 + 0.3 + (POLL_MS / 1000 if feed == "poll" else 0)

    t_cut = time.time()
    rl.links[0].cut()
    first, _ = poll_until(secondary_only, bool, budget + 1.0, "routes moved to the secondary")
    took = first.t_e - t_cut
    print(f"frr-bfdd ({feed}): repaired {took * 1000:.0f} ms after the cut "
          f"(detection {detection_s * 1000:.0f} ms, budget {budget * 1000:.0f} ms)")
    assert took < budget, f"repaired {took:.3f}s after the cut, budget {budget:.3f}s"
    s = rl.ours.wait_state("primary", "down", 1.0)
    assert s["local_diag"] == "control-detection-time-expired", s
    assert s["route_action"] == "withdrawn" and s["routes_affected"] == len(prefixes), s
    assert rl.ours.session("secondary")["state"] == "up"
    restore_after_hold_down(rl, lambda: rl.table(only=only) == before, secondary_only,
                            f"frr-bfdd ({feed})", up_timeout=10.0)


def test_frr_bfdd_peer_admin_down_is_not_a_failure(lab, edgebfdd_factory):
    """The primary peer goes into maintenance (its BFD session AdminDown,
    diag 7): bfdd takes the session Down, edgebfdd leaves the routes alone
    (on-peer-admin-down = ignore, RFC 5882 section 3.2)."""
    rl = start_frr_engine(lab, edgebfdd_factory, "socket")
    P1, P2 = rl.P(0), rl.P(1)
    prefixes = [v4_prefix(i) for i in range(10)]
    rl.ce.ip_batch(ecmp_lines(prefixes, P1, P2))
    before = rl.table(only=set(prefixes))
    rl.theirs[0].ctl("session", "primary", "disable")
    s = rl.ours.wait_state("primary", "down", 3.0)
    assert s["peer_admin_down"] is True and s["remote_diag"] == "administratively-down", s
    deadline = time.time() + 1.0
    while time.time() < deadline:
        assert rl.table(only=set(prefixes)) == before
        time.sleep(0.05)
    assert rl.ours.session("primary")["route_action"] == "none"


def test_frr_bfdd_engine_refuses_local_disable_and_engine_change(lab, edgebfdd_factory):
    """Sessions belong to bfdd: edgebfdctl cannot disable them, and a reload
    cannot switch the engine (it keeps the running configuration)."""
    rl = start_frr_engine(lab, edgebfdd_factory, "socket")
    cp = rl.ours.ctl_result("--json", "session", "primary", "disable")
    assert cp.returncode != 0 and "frr-bfdd" in cp.stdout + cp.stderr, cp
    assert rl.ours.session("primary")["state"] == "up"
    del rl.ours.daemon_cfg["engine"]
    rl.ours.reload()
    wait_for(lambda: "engine: cannot change while edgebfdd runs" in rl.ours.proc.log(), 3.0,
             message="the engine change refused")
    assert rl.ours.session("primary")["engine"] == "frr-bfdd"


def test_frr_bfdd_session_added_by_reload_learns_its_state(lab, edgebfdd_factory):
    """bfdd sends every peer's state once, when edgebfdd subscribes. A
    session added later by a reload must not wait for its peer's next
    change: it shows bfdd's state (Up) right after the reload."""
    rl = start_frr_engine(lab, edgebfdd_factory, "socket", sessions=("primary",))
    assert [s["name"] for s in rl.ours.sessions()] == ["primary"]
    # bfdd's secondary peer Up with its final timers: no change of it is
    # coming that could tell edgebfdd its state by chance
    wait_for(lambda: (lambda p: p and p["status"] == "up"
                      and p["remote-transmit-interval"] == rl.interval_ms)(
                 rl.frr.peer(rl.peer_addr(1))), 10.0, message="bfdd's secondary peer settled")
    rl.ours.sessions_cfg["secondary"] = rl.all_sessions["secondary"]
    rl.ours.reload()
    s = rl.ours.wait_state("secondary", "up", 3.0)
    assert s["engine"] == "frr-bfdd" and s["packets_rx"] == 0, s
    assert rl.ours.session("primary")["state"] == "up"
