"""BGP neighbor actions and timers against real FRR 8.4 bgpd (issue 6,
"BGP neighbor actions" and "BGP timers"; README "BGP integration").

Topology (frr_bgp.ExpressRouteLab):
    ce:eth1 -- provider:br1 -- msee1:eth1   primary   192.0.2.0/24
    ce:eth2 -- provider:br2 -- msee2:eth1   secondary 198.51.100.0/24

CE: FRR zebra + bgpd (AS 65001) and edgebfdd with bgp-neighbor set on both
sessions and frr-vty-dir pointing at the CE's private FRR instance. MSEEs:
zebra + bgpd + bfdd (AS 12076, keepalive 60 / hold 180: BGP alone does not
notice a cut for minutes, which is why BFD must act on bgpd).

Everything edgebfdd does to bgpd is read back from bgpd itself
(`show bgp neighbors X json`, `show running-config`).
"""

import os
import signal
import time

import pytest

import nslab
from frr_bgp import ExpressRouteLab, fib_routes
from nslab import Edgebfdd, wait_for

HOLD_DOWN_S = 1.0
VTY_TIMEOUT_S = 1.0
PRIMARY, SECONDARY = "primary", "secondary"
M1, M2 = ExpressRouteLab.MSEE_ADDR


class BgpEdgebfdd(Edgebfdd):
    """Edgebfdd with the BGP keys: the CE's FRR vty dir, a state directory
    of its own, bgp-neighbor on each session."""

    def __init__(self, lab, er, action, name="edgebfdd", **session_keys):
        super().__init__(lab, er.ce, name=name)
        self.state_dir = self.set_state_directory()
        self.daemon_cfg["frr-vty-dir"] = er.ce_frr.rundir
        self.daemon_cfg["frr-vty-timeout"] = f"{VTY_TIMEOUT_S:g}s"
        self.set_defaults(transmit=300, receive=300, multiplier=3)
        self.defaults.update({"on-down": "withdraw", "route-protocols": "bgp",
                              "hold-down": f"{HOLD_DOWN_S:g}s", "bgp-action": action})
        for i, name in enumerate((PRIMARY, SECONDARY)):
            self.add_session(name, f"eth{i + 1}", er.CE_ADDR[i], er.MSEE_ADDR[i])
            self.set_keys(name, bgp_neighbor=er.MSEE_ADDR[i], **session_keys)

    def bgp(self, name):
        return self.session(name)["bgp"]

    def shut_file(self):
        path = os.path.join(self.state_dir, "bgp-shutdown")
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return f.read().splitlines()


pytestmark = pytest.mark.usefixtures("bgpd_installed")


@pytest.fixture
def express(lab):
    """make(action, **session keys) -> (ExpressRouteLab, BgpEdgebfdd) with BGP
    Established on both links and both BFD sessions Up at 300 ms x 3."""
    if not os.environ.get("EDGEBFDD"):
        pytest.fail("EDGEBFDD is not set (and EDGEBFDCTL)", pytrace=False)

    def make(action, n_shared=20, start=True, **session_keys):
        er = ExpressRouteLab(lab, n_shared=n_shared)
        er.start()
        er.wait_converged(30.0)
        ours = BgpEdgebfdd(lab, er, action, **session_keys)
        if start:
            start_and_wait_up(ours)
        return er, ours
    return make


def start_and_wait_up(ours):
    ours.start()
    for name in (PRIMARY, SECONDARY):
        wait_for(lambda n=name: (lambda s: s["state"] == "up"
                                 and s["detection_time_us"] == 900000)(ours.session(n)),
                 10.0, message=lambda n=name: f"{n} Up at 300 ms x 3 ({ours._brief(n)})")


def neighbor(er, addr=M1):
    """The CE bgpd's `show bgp neighbors ADDR json` object."""
    n = er.ce_frr.bgp_neighbor(addr)
    assert n is not None, f"CE bgpd has no neighbor {addr}"
    return n


def running_config_lines(er, addr=M1):
    return [line.strip() for line in er.ce_frr.vtysh("show running-config").splitlines()
            if f"neighbor {addr} " in line]


def saved_config(er):
    """The CE's FRR config files: edgebfdd must never `write` them."""
    out = {}
    for fn in sorted(os.listdir(er.ce_frr.etc)):
        with open(os.path.join(er.ce_frr.etc, fn)) as f:
            out[fn] = f.read()
    return out


def cut_and_wait_down(er, ours, timeout=None):
    detect = ours.session(PRIMARY)["detection_time_us"] / 1e6
    t0 = time.monotonic()
    er.link1.cut()
    s = ours.wait_state(PRIMARY, "down", timeout or detect + 1.0,
                        local_diag="control-detection-time-expired")
    return s, time.monotonic() - t0, detect


def wait_shut(er, shut, timeout, addr=M1):
    return wait_for(lambda: (lambda n: n if bool(n.get("adminShutDown")) == shut else None)(
        neighbor(er, addr)), timeout,
        message=lambda: f"CE bgpd neighbor {addr} adminShutDown={shut} "
        f"(now {neighbor(er, addr).get('adminShutDown')}, {neighbor(er, addr)['bgpState']})")


# --------------------------------------------------------------------------
# reset


def test_reset_clears_the_neighbor_on_down(express):
    er, ours = express("reset")
    before = neighbor(er)
    assert before["bgpState"] == "Established"
    b = wait_for(lambda: (lambda b: b if b["bgp_state"] == "Established" else None)(
        ours.bgp(PRIMARY)), 3.0, message="edgebfdctl shows the neighbor Established")
    assert b["neighbor"] == M1 and b["action"] == "reset" and b["last_action"] is None, b
    config0 = saved_config(er)

    cut_and_wait_down(er, ours)
    # bgpd itself says it was reset by a user command, and left Established
    n = wait_for(lambda: (lambda n: n if n.get("lastResetDueTo") == "User reset" else None)(
        neighbor(er)), 1.0, message=lambda: f"CE bgpd reset {M1} ({neighbor(er)})")
    assert n["bgpState"] != "Established", n
    assert n["connectionsDropped"] > before.get("connectionsDropped", 0), n
    b = ours.bgp(PRIMARY)
    assert b["last_action"] == "reset" and b["last_action_done_at"], b
    assert b["pending"] is None and b["errors"] == 0 and not b["shut_by_edgebfd"], b
    # the secondary's neighbor is untouched
    assert neighbor(er, M2)["bgpState"] == "Established"
    assert ours.bgp(SECONDARY)["last_action"] is None
    assert f"clear bgp {M1} sent" in ours.proc.log() and "after down, done in" in ours.proc.log()
    assert saved_config(er) == config0
    assert ours.shut_file() is None
    # the table shows it too
    text = ours.ctl("sessions")
    assert "BGP-NEIGHBOR" in text and M1 in text, text


# --------------------------------------------------------------------------
# shutdown, and never leaving it behind


def test_shutdown_on_down_and_unshut_after_up_and_hold_down(express):
    er, ours = express("shutdown")
    config0 = saved_config(er)

    cut_and_wait_down(er, ours)
    n = wait_shut(er, True, 1.0)
    assert n["bgpState"] != "Established", n
    b = ours.bgp(PRIMARY)
    assert b["last_action"] == "shutdown" and b["shut_by_edgebfd"], b
    assert ours.shut_file()[1:] == [f"{M1} {er.ce_frr.rundir}"], ours.shut_file()
    assert f"neighbor {M1} shutdown" in running_config_lines(er)
    assert not neighbor(er, M2).get("adminShutDown")

    er.link1.restore()
    up = ours.wait_state(PRIMARY, "up", 8.0)
    t_up = time.monotonic()
    # BGP must not come back before BFD has held Up for the hold-down
    assert neighbor(er).get("adminShutDown"), "un-shut before the hold-down"
    wait_shut(er, False, HOLD_DOWN_S + 1.0)
    held = time.monotonic() - t_up
    assert held >= HOLD_DOWN_S - 0.3, f"un-shut {held:.2f} s after Up (hold-down {HOLD_DOWN_S})"
    b = ours.bgp(PRIMARY)
    assert b["last_action"] == "no-shutdown" and b["last_action_done_at"], b
    assert not b["shut_by_edgebfd"] and b["pending"] is None and b["errors"] == 0, b
    assert ours.shut_file() is None
    assert not any(line.endswith(" shutdown") for line in running_config_lines(er))
    er.ce_frr.wait_established([M1], 20.0)
    # never `write`: the saved config is what the lab wrote
    assert saved_config(er) == config0
    assert up["state"] == "up"


def test_flap_during_hold_down_keeps_the_neighbor_shut(express):
    er, ours = express("shutdown")
    cut_and_wait_down(er, ours)
    wait_shut(er, True, 1.0)
    er.link1.restore()
    ours.wait_state(PRIMARY, "up", 8.0)
    er.link1.cut()  # before the hold-down ends
    ours.wait_state(PRIMARY, "down", 2.0)
    time.sleep(HOLD_DOWN_S + 0.3)  # the first hold-down would have ended here
    assert neighbor(er).get("adminShutDown"), "un-shut although the session flapped"
    er.link1.restore()
    ours.wait_state(PRIMARY, "up", 8.0)
    wait_shut(er, False, HOLD_DOWN_S + 1.0)


def test_sigterm_unshuts(express):
    er, ours = express("shutdown")
    cut_and_wait_down(er, ours)
    wait_shut(er, True, 1.0)
    assert ours.shut_file() is not None
    rc = ours.stop()
    assert rc == 0, ours.proc.log()[-2000:]
    # un-shut before exit, although BFD is still Down
    n = neighbor(er)
    assert not n.get("adminShutDown"), n
    assert ours.shut_file() is None
    assert not any(line.endswith(" shutdown") for line in running_config_lines(er))


def test_sigkill_then_restart_unshuts(express, lab):
    er, ours = express("shutdown")
    cut_and_wait_down(er, ours)
    wait_shut(er, True, 1.0)
    ours.expected_rc = -signal.SIGKILL
    ours.proc.stop(signal.SIGKILL)
    assert neighbor(er).get("adminShutDown"), "nothing un-shuts it while edgebfdd is dead"
    assert ours.shut_file()[1:] == [f"{M1} {er.ce_frr.rundir}"]
    # A new start: the link is still cut (BFD stays Down), but the state
    # file says edgebfdd shut the neighbor: it is un-shut at once.
    again = BgpEdgebfdd(lab, er, "shutdown", name="edgebfdd2")
    again.state_dir = ours.state_dir
    again.daemon_cfg["state-directory"] = ours.state_dir
    again.start()
    wait_shut(er, False, 2.0)
    wait_for(lambda: again.shut_file() is None, 2.0, message="bgp-shutdown removed")
    assert "left shut by an earlier run" in again.proc.log()


def test_removed_session_unshuts(express):
    er, ours = express("shutdown")
    cut_and_wait_down(er, ours)
    wait_shut(er, True, 1.0)
    del ours.sessions_cfg[PRIMARY]
    ours.reload()
    wait_shut(er, False, 2.0)
    wait_for(lambda: ours.shut_file() is None, 2.0, message="bgp-shutdown removed")


# --------------------------------------------------------------------------
# a dead bgpd delays nothing


def test_stopped_bgpd_delays_neither_bfd_nor_routes(express, lab):
    er, ours = express("shutdown")
    bgpd = er.ce_frr.bgpd
    os.kill(bgpd.pid, signal.SIGSTOP)
    lab.on_cleanup(lambda: os.kill(bgpd.pid, signal.SIGCONT) if bgpd.alive() else None)
    try:
        s, took, detect = cut_and_wait_down(er, ours)
        # Down within the detection time + margin, while bgpd does not answer
        assert took <= detect + 0.5, f"Down {took:.2f} s after the cut (detection {detect})"
        # the route action ran (zebra still works: only bgpd is stopped)
        wait_for(lambda: ours.session(PRIMARY)["route_action"] == "withdrawn"
                 and ours.session(PRIMARY)["routes_affected"] == len(er.shared), 1.0,
                 message=lambda: f"routes repaired ({ours.session(PRIMARY)['route_action']})")
        fib = fib_routes(er.ce)
        assert all(fib[p].gateways == frozenset([M2]) for p in er.shared)
        # the shutdown times out, is counted and waits for its retry
        b = wait_for(lambda: (lambda b: b if b["errors"] >= 1 else None)(ours.bgp(PRIMARY)),
                     VTY_TIMEOUT_S + 2.0, message=lambda: f"a failed shutdown ({ours.bgp(PRIMARY)})")
        assert b["pending"] == "shutdown" and b["last_action_done_at"] is None, b
        assert "timed out" in b["last_error"], b
        # BFD keeps running meanwhile: the secondary stays Up, packets flow
        rx = ours.session(SECONDARY)["packets_rx"]
        time.sleep(1.0)
        assert ours.session(SECONDARY)["state"] == "up"
        assert ours.session(SECONDARY)["packets_rx"] >= rx + 2
    finally:
        os.kill(bgpd.pid, signal.SIGCONT)
    # bgpd is back: the retry carries the shutdown out (the backoff has
    # reached 4 or 8 s by now)
    wait_shut(er, True, 12.0)
    b = wait_for(lambda: (lambda b: b if b["pending"] is None else None)(ours.bgp(PRIMARY)),
                 2.0, message="nothing pending")
    assert b["last_action"] == "shutdown" and b["last_action_done_at"], b
    assert "(attempt " in ours.proc.log()


def test_unknown_neighbor_is_an_error_in_edgebfdctl(express):
    er, ours = express("reset", start=False)
    ours.set_keys(SECONDARY, bgp_neighbor="198.51.100.99")
    start_and_wait_up(ours)
    b = wait_for(lambda: (lambda b: b if b["errors"] else None)(ours.bgp(SECONDARY)), 3.0,
                 message="the unknown neighbor reported")
    assert b["last_error"] == ("show bgp neighbors 198.51.100.99 json: bgpd has no neighbor "
                               "198.51.100.99"), b
    assert b["bgp_state"] is None, b


def test_warning_when_bfd_never_answers_but_bgp_is_established(express):
    er, ours = express("reset", start=False, bfd_unanswered_warning="1s")
    # MSEE2 runs no BFD for the CE: the peering has BGP without BFD
    er.msee_frr[1].remove_peer(er.CE_ADDR[1])
    ours.start()
    ours.wait_state(PRIMARY, "up", 10.0)
    # bgpd is read every 10 s: the first read after 1 s warns
    b = wait_for(lambda: (lambda b: b if b["bfd_unanswered"] else None)(ours.bgp(SECONDARY)),
                 13.0, message=lambda: f"the warning ({ours.bgp(SECONDARY)})")
    assert b["bgp_state"] == "Established", b
    assert not ours.bgp(PRIMARY)["bfd_unanswered"]
    log = ours.proc.log()
    assert "BFD is probably not enabled on this peering" in log, log[-2000:]
    assert "before August 2018 need a peering reset" in log
    assert log.count("BFD peer has never answered") == 1  # once per episode
    assert "warning: BGP is Established but BFD has never answered" in ours.ctl("sessions")


# --------------------------------------------------------------------------
# timers


def test_timers_applied_pending_then_in_force(express):
    er, ours = express("none", bgp_keepalive="10s", bgp_holdtime="30s")
    c0 = neighbor(er)["connectionsEstablished"]
    n = wait_for(lambda: (lambda n: n if n["bgpTimerConfiguredHoldTimeMsecs"] == 30000 else None)(
        neighbor(er)), 3.0, message=lambda: f"timers configured in bgpd ({neighbor(er)})")
    assert n["bgpTimerConfiguredKeepAliveIntervalMsecs"] == 10000, n
    # the running session keeps its 60/180 and is not reset for the timers
    assert n["bgpTimerHoldTimeMsecs"] == 180000 and n["bgpState"] == "Established", n
    assert n["connectionsEstablished"] == c0
    assert f"neighbor {M1} timers 10 30" in running_config_lines(er)

    def timers(name=PRIMARY):
        return ours.bgp(name)["timers"]
    # the status follows at the next read (a poll every 10 s, or the read
    # edgebfdd does after applying them)
    t = wait_for(lambda: (lambda t: t if t["state"] == "pending" else None)(timers()), 12.0,
                 message=lambda: f"timers pending ({timers()})")
    assert t == {"configured_keepalive_s": 10, "configured_holdtime_s": 30,
                 "bgpd_keepalive_s": 10, "bgpd_holdtime_s": 30,
                 "in_force_keepalive_s": 60, "in_force_holdtime_s": 180,
                 "state": "pending"}, t
    # the next session start takes them (hold time: the lower of 30 and 180)
    er.ce_frr.vtysh("clear bgp " + M1)
    er.ce_frr.wait_established([M1], 20.0)
    t = wait_for(lambda: (lambda t: t if t["state"] == "in-force" else None)(timers()), 12.0,
                 message=lambda: f"timers in force ({timers()})")
    assert (t["in_force_keepalive_s"], t["in_force_holdtime_s"]) == (10, 30), t
    assert ours.bgp(PRIMARY)["errors"] == 0
    # a reload that changes nothing does not touch bgpd again
    log_len = len(ours.proc.log())
    ours.reload()
    time.sleep(1.0)
    assert "timers set in bgpd" not in ours.proc.log()[log_len:]


def test_timer_rule_errors(lab):
    ns = lab.ns("cfg")
    ours = Edgebfdd(lab, ns)
    ours.add_session("s", "eth1", "192.0.2.1", "192.0.2.2")
    ours.set_keys("s", bgp_neighbor="192.0.2.2", bgp_keepalive="20s", bgp_holdtime="30s")
    ours.write_config()
    rc, out = ours.check_config()
    assert rc == 1, out
    assert ("bgp-keepalive: keepalive 20s is more than a third of the hold time 30s: "
            "ExpressRoute needs keepalive <= holdtime/3") in out, out
    ours.set_keys("s", bgp_keepalive="10s", bgp_holdtime="5s")
    ours.write_config()
    rc, out = ours.check_config()
    assert rc == 1 and "ExpressRoute needs a hold time of at least 10s" in out, out
    ours.set_keys("s", bgp_keepalive="10s", bgp_holdtime="30s")
    ours.write_config()
    rc, out = ours.check_config()
    assert rc == 0, out
