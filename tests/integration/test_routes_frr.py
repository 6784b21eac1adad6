"""Route actions against the real owner of the routes: FRR 8.4 zebra + bgpd
(issue 5, "Owners that fight back"; docs/zebra-interplay.md).

Topology (frr_bgp.ExpressRouteLab):
    ce:eth1 -- provider:br1 -- msee1:eth1   primary   192.0.2.0/24
    ce:eth2 -- provider:br2 -- msee2:eth1   secondary 198.51.100.0/24

CE: FRR zebra + bgpd (AS 65001, maximum-paths 2) and edgebfdd (sessions
primary / secondary, 300 ms x 3, hold-down 2 s, route-protocols bgp,
on-down withdraw). MSEEs: FRR zebra + bgpd + bfdd (AS 12076, keepalive 60 /
hold 180, so BGP does not notice a cut of a few seconds) advertising the
same prefixes, which zebra installs on the CE as
`P nhid G proto bgp metric 20` with G a zebra nexthop group of both MSEEs.

The cut is silent (a bridge port at the provider is disabled; carrier stays
up), so only BFD notices it: edgebfdd must repair the FIB itself, the repair
must hold against zebra, and the restore must respect zebra's own changes.
"""

import json
import os
import re
import time

import pytest

import nslab
from frr_bgp import ExpressRouteLab, RouteMonitor, fib_routes, nexthop_objects
from nslab import Edgebfdd, parse_ts, wait_for

HOLD_DOWN_S = 2.0
PRIMARY, SECONDARY = "primary", "secondary"
M1, M2 = ExpressRouteLab.MSEE_ADDR
BOTH = frozenset([M1, M2])
ONLY_M2 = frozenset([M2])
ONLY_M1 = frozenset([M1])


class RouteEdgebfdd(Edgebfdd):
    """Edgebfdd with the route-action keys of issue 5 (routes-spec): a
    [daemon] state-directory in the lab's tmp dir and the per-session keys
    in [defaults]."""

    def __init__(self, lab, ns, name="edgebfdd", **kw):
        super().__init__(lab, ns, name=name, **kw)
        self.state_dir = os.path.join(self.dir, "state")
        os.makedirs(self.state_dir, exist_ok=True)
        self.daemon_cfg = {"state-directory": self.state_dir}

    def render(self):
        text = super().render()
        extra = "".join(f"{k} = {v}\n" for k, v in self.daemon_cfg.items()
                        if not re.search(rf"^{re.escape(k)}\s*=", text, re.M))
        return text.replace("[daemon]\n", "[daemon]\n" + extra, 1)

    def routes(self, name):
        return json.loads(self.ctl("--json", "routes", name))


pytestmark = pytest.mark.usefixtures("bgpd_installed")


@pytest.fixture
def express(lab):
    """make(n_shared, n_primary_only) -> (ExpressRouteLab, RouteEdgebfdd, FIB)
    with BGP converged (ECMP in the CE's FIB) and both BFD sessions Up at
    300 ms x 3."""
    if not os.environ.get("EDGEBFDD"):
        pytest.fail("EDGEBFDD is not set (and EDGEBFDCTL)", pytrace=False)

    def make(n_shared=200, n_primary_only=0):
        er = ExpressRouteLab(lab, n_shared=n_shared, n_primary_only=n_primary_only)
        er.start()
        fib = er.wait_converged(30.0)
        ours = RouteEdgebfdd(lab, er.ce)
        ours.set_defaults(transmit=300, receive=300, multiplier=3)
        ours.defaults.update({"on-down": "withdraw", "route-protocols": "bgp",
                              "hold-down": f"{HOLD_DOWN_S:g}s"})
        for i, name in enumerate((PRIMARY, SECONDARY)):
            ours.add_session(name, f"eth{i + 1}", er.CE_ADDR[i], er.MSEE_ADDR[i])
        ours.start()
        for name in (PRIMARY, SECONDARY):
            # FRR bfdd starts at 1 s and lowers to 300 ms with a Poll after Up
            wait_for(lambda n=name: (lambda s: s["state"] == "up"
                                     and s["detection_time_us"] == 900000)(ours.session(n)),
                     8.0, message=lambda n=name: f"{n} Up at 300 ms x 3 ({ours._brief(n)})")
        for i, frr in enumerate(er.msee_frr):
            wait_for(lambda f=frr, i=i: (f.peer(er.CE_ADDR[i]) or {}).get("status") == "up",
                     3.0, message=f"MSEE{i + 1} bfdd shows the CE Up")
        return er, ours, fib
    return make


# --------------------------------------------------------------------------
# helpers


def shared_group(er, fib):
    """The one zebra nexthop group all shared prefixes use (docs: nhid 12)."""
    nhids = {fib[p].nhid for p in er.shared}
    assert len(nhids) == 1 and None not in nhids, f"shared prefixes not on one group: {nhids}"
    g = nhids.pop()
    r = fib[er.shared[0]]
    assert len(r.group) == 2 and r.nh_protocol == "zebra", r
    return g


def not_matching(er, fib, gateways, prefixes=None, nhid=None):
    """Prefixes whose FIB route is absent or not exactly through gateways
    (and, when nhid is given, not on that nexthop object)."""
    bad = []
    for p in (er.shared if prefixes is None else prefixes):
        r = fib.get(p)
        if r is None or r.gateways != gateways or (nhid is not None and r.nhid != nhid):
            bad.append((p, None if r is None else (sorted(g or "-" for g in r.gateways),
                                                   r.nhid, r.protocol, r.metric)))
    return bad


def wait_route_state(ours, name, action, affected, timeout):
    return wait_for(lambda: (lambda s: s if s["route_action"] == action
                             and s["routes_affected"] == affected else None)(
        ours.session(name)), timeout,
        message=lambda: f"{name} route_action {action}, routes_affected {affected} "
        f"(now {_route_brief(ours, name)})")


def state_files(ours):
    return sorted(f for f in os.listdir(ours.state_dir) if f.endswith(".routes"))


def _route_brief(ours, name):
    s = ours.session(name)
    return {k: s.get(k) for k in ("state", "local_diag", "route_action", "routes_affected",
                                  "route_errors", "routes_undone")}


def wait_secondary_only(er, timeout, prefixes=None):
    """Poll the CE FIB until every prefix is through MSEE2 only; returns
    (fib, monotonic time of the first poll that saw it)."""
    out = {}

    def ok():
        fib = fib_routes(er.ce)
        if not_matching(er, fib, ONLY_M2, prefixes):
            return None
        out["t"] = time.monotonic()
        return fib
    fib = wait_for(ok, timeout, interval=0.005,
                   message=lambda: f"all prefixes through MSEE2 only ({er.fib_summary()})")
    return fib, out["t"]


def cut_primary(er, ours):
    """Silent cut of the primary; returns (monotonic time just before the
    cut, detection time in s). The wall-clock time is in er.cut_wall."""
    detect = ours.session(PRIMARY)["detection_time_us"] / 1e6
    er.cut_wall = time.time()
    t_cut = time.monotonic()
    er.link1.cut()
    return t_cut, detect


_VIA_M1 = re.compile(r"\bvia " + re.escape(M1) + r"\b")
_VIA_M2 = re.compile(r"\bvia " + re.escape(M2) + r"\b")


def repair_times(mon, prefixes, since):
    """{prefix: wall time of the first route message after since that has
    MSEE2 and not MSEE1 as nexthop} (ip monitor prints the nexthops of
    nexthop-object routes too: net.ipv4.nexthop_compat_mode)."""
    out = {}
    for e in mon.events(prefixes):
        if (e.time >= since and not e.deleted and e.prefix not in out
                and _VIA_M2.search(e.text) and not _VIA_M1.search(e.text)):
            out[e.prefix] = e.time
    return out


def wait_down(ours, detect):
    return ours.wait_state(PRIMARY, "down", detect + 2.0,
                           local_diag="control-detection-time-expired")


def restore_and_wait_up(er, ours):
    er.link1.restore()
    return ours.wait_state(PRIMARY, "up", 8.0)


# --------------------------------------------------------------------------
# 1. zebra's ECMP routes: the repair holds while BGP has not noticed, the
#    original group comes back after Up + hold-down, not before


def test_ecmp_repair_holds_against_zebra_and_restores_group(express, lab):
    er, ours, fib0 = express(n_shared=200)
    group = shared_group(er, fib0)
    for name in (PRIMARY, SECONDARY):
        s = ours.session(name)
        assert s["route_action"] == "none" and s["routes_affected"] == 0, s
    mon = RouteMonitor(lab, er.ce).start()
    nexthops_before = nexthop_objects(er.ce)

    t_cut, detect = cut_primary(er, ours)
    fib, t_fixed = wait_secondary_only(er, detect + 2.0)
    polled = t_fixed - t_cut
    down = wait_down(ours, detect)
    down_wall = parse_ts(down["last_state_change"]).timestamp()
    lag_ms = (down_wall - parse_ts(down["last_packet_rx"]).timestamp()) * 1000
    # When did the kernel get the last repair? The monitor's timestamps,
    # not the polling (which adds its own ~10-20 ms).
    fixed = wait_for(lambda: (lambda r: r if len(r) == len(er.shared) else None)(
        repair_times(mon, er.shared, er.cut_wall)), 2.0,
        message=lambda: f"ip monitor shows the repair of all {len(er.shared)} prefixes "
        f"({len(repair_times(mon, er.shared, er.cut_wall))} so far)")
    last = max(fixed.values())
    elapsed = last - er.cut_wall
    print(f"cut -> last of {len(er.shared)} prefixes through MSEE2 only: "
          f"{elapsed * 1000:.1f} ms (polling saw it at {polled * 1000:.0f} ms); "
          f"Down -> last repaired {(last - down_wall) * 1000:.1f} ms; "
          f"detection time {detect * 1000:.0f} ms, Down {lag_ms:.0f} ms after the last packet")
    assert elapsed <= detect + 0.1, (
        f"all {len(er.shared)} prefixes through MSEE2 only {elapsed * 1000:.0f} ms after the "
        f"cut; budget detection time {detect * 1000:.0f} ms + 100 ms "
        f"(Down {lag_ms:.0f} ms after the last packet, "
        f"last repaired {(last - down_wall) * 1000:.1f} ms after Down)")
    # the repaired routes keep zebra's key (docs/zebra-interplay.md option A)
    for p in er.shared:
        assert (fib[p].protocol, fib[p].metric) == ("bgp", 20), fib[p]
    s = wait_route_state(ours, PRIMARY, "withdrawn", len(er.shared), 1.0)
    assert s["route_errors"] == 0, s
    assert ours.session(SECONDARY)["route_action"] == "none"
    # zebra's group must not be shrunk (zebra reverts that in ~10 ms): one
    # replace per route, zebra's nexthop objects untouched
    r = ours.routes(PRIMARY)
    assert r["route_action"] == "withdrawn", r
    assert sorted(x["prefix"] for x in r["routes"]) == sorted(er.shared), r["routes"][:3]
    assert {x["change"] for x in r["routes"]} == {"nexthop-removed"}, r["routes"][:3]
    nh = nexthop_objects(er.ce)
    assert tuple(m["id"] for m in nh[group]["group"]) == fib0[er.shared[0]].group, nh[group]
    assert state_files(ours) == [f"{PRIMARY}.routes"], os.listdir(ours.state_dir)

    # The repair HOLDS: zebra does not put the dead nexthop back, while
    # bgpd still has the primary Established (BGP has not noticed the cut).
    checks, bad = 0, []
    end = time.monotonic() + 3.0
    while time.monotonic() < end:
        fib = fib_routes(er.ce)
        wrong = not_matching(er, fib, ONLY_M2)
        if wrong:
            bad.append((round(end - time.monotonic(), 3), wrong[:3], len(wrong)))
        checks += 1
        time.sleep(0.05)
    assert not bad, f"zebra (or someone) undid the repair: {bad[:5]}"
    assert checks >= 20, checks
    # MSEE1's neighbour entry was marked failed at the Down (its groups skip
    # it at once), and zebra took no notice: its nexthop objects are as
    # they were before the cut.
    s = ours.session(PRIMARY)
    assert s["neighbors_marked_failed"] == 1, s
    neigh = [n for n in er.ce.ip_json("-4", "neigh", "show", "dev", "eth1") if n["dst"] == M1]
    assert neigh and not set(neigh[0]["state"]) & {"REACHABLE", "STALE", "DELAY", "PROBE"}, neigh
    assert nexthop_objects(er.ce) == nexthops_before
    # Not even briefly (a poll could miss zebra re-adding a nexthop and
    # edgebfdd taking it off again): nothing but the repair itself touched
    # the prefixes since the cut.
    touched = {}
    for e in mon.events(er.shared):
        if e.time >= er.cut_wall:
            touched.setdefault(e.prefix, []).append(e.text)
    fights = {p: v for p, v in touched.items() if len(v) > 1 or _VIA_M1.search(v[0])}
    assert not fights, (f"{len(fights)} prefixes changed more than once while Down: "
                        f"{list(fights.items())[:2]}")
    mon.stop()
    assert er.ce_frr.bgp_state(M1) == "Established", "BGP noticed the cut: test invalid"
    assert er.ce_frr.bgp_state(M2) == "Established"
    s = ours.session(PRIMARY)
    assert s["state"] == "down" and s["route_action"] == "withdrawn", s
    assert s["routes_undone"] == 0, s
    # zebra's RIB still believes both nexthops are installed (the silent
    # divergence the docs describe): the kernel is what edgebfdd repaired.
    rib = er.ce_frr.rib(er.shared[0])
    assert rib and len(rib[0]["nexthops"]) == 2, rib

    # Restore: Up, then hold-down with the repair still in place, then
    # zebra's original group on every prefix.
    up = restore_and_wait_up(er, ours)
    up_wall = parse_ts(up["last_state_change"]).timestamp()
    last_unrestored = None
    restored_at = None
    deadline = time.monotonic() + HOLD_DOWN_S + 3.0
    while time.monotonic() < deadline:
        now = time.time()
        fib = fib_routes(er.ce)
        if not not_matching(er, fib, BOTH, nhid=group):
            restored_at = now
            break
        if not not_matching(er, fib, ONLY_M2):
            last_unrestored = now       # still all repaired (a poll may catch
        time.sleep(0.01)                # the restore half done: not counted)
    assert restored_at is not None, (
        f"zebra's group {group} not back on every prefix {HOLD_DOWN_S + 3:.0f} s after Up "
        f"(now {er.fib_summary()}, {_route_brief(ours, PRIMARY)})")
    assert last_unrestored is not None and last_unrestored >= up_wall + HOLD_DOWN_S - 0.15, (
        f"restored before hold-down: last seen repaired {last_unrestored - up_wall:.3f} s "
        f"after Up, hold-down {HOLD_DOWN_S} s")
    print(f"restored {restored_at - up_wall:.3f} s after Up (hold-down {HOLD_DOWN_S} s), "
          f"last seen repaired at {last_unrestored - up_wall:.3f} s")
    assert restored_at <= up_wall + HOLD_DOWN_S + 1.0, (
        f"restored {restored_at - up_wall:.3f} s after Up, hold-down {HOLD_DOWN_S} s")
    s = wait_route_state(ours, PRIMARY, "none", 0, 1.0)
    assert s["route_errors"] == 0 and s["routes_undone"] == 0, s
    # consistent with zebra: its group, ECMP in its RIB, BGP never flapped
    fib = fib_routes(er.ce)
    assert not not_matching(er, fib, BOTH, nhid=group)
    assert er.ce_frr.bgp_state(M1) == "Established"
    assert state_files(ours) == [], "state file left after restore"


# --------------------------------------------------------------------------
# 2. zebra moves the routes itself while the session is Down: the restore
#    leaves zebra's version alone


def test_zebra_rewrite_while_down_is_left_alone(express):
    er, ours, fib0 = express(n_shared=200)
    group = shared_group(er, fib0)

    t_cut, detect = cut_primary(er, ours)
    wait_secondary_only(er, detect + 2.0)
    wait_down(ours, detect)
    wait_route_state(ours, PRIMARY, "withdrawn", len(er.shared), 1.0)

    # BGP now withdraws MSEE1's paths: zebra rewrites every route itself
    er.ce_frr.neighbor_shutdown(M1, True)
    wait_for(lambda: er.ce_frr.bgp_state(M1) not in (None, "Established"), 5.0,
             message="CE bgpd leaves Established with MSEE1 after shutdown")

    def zebra_single_path():
        for p in (er.shared[0], er.shared[-1]):
            rib = er.ce_frr.rib(p)
            hops = [h for h in rib[0]["nexthops"] if h.get("fib")] if rib else []
            if [h.get("ip") for h in hops] != [M2]:
                return None
        return True
    wait_for(zebra_single_path, 5.0, interval=0.05,
             message=lambda: f"zebra's RIB has MSEE2 only ({er.ce_frr.rib(er.shared[0])})")
    # zebra pushes its rewrite to the kernel: its own MSEE2 nexthop object
    zfib = wait_for(lambda: (lambda f: f if not not_matching(er, f, ONLY_M2)
                             and all(f[p].nhid not in (None, group) for p in er.shared)
                             else None)(fib_routes(er.ce)),
                    5.0, interval=0.05,
                    message=lambda: f"zebra's single-path routes in the FIB ({er.fib_summary()})")
    zebra_nhids = {p: zfib[p].nhid for p in er.shared}
    time.sleep(0.3)  # let any reaction of edgebfdd to zebra's rewrite happen
    print("after zebra's rewrite:", _route_brief(ours, PRIMARY))

    up = restore_and_wait_up(er, ours)
    up_wall = parse_ts(up["last_state_change"]).timestamp()
    s = wait_route_state(ours, PRIMARY, "none", 0, HOLD_DOWN_S + 3.0)
    print("after hold-down:", _route_brief(ours, PRIMARY))
    # and some more, in case a restore were still under way
    while time.time() < up_wall + HOLD_DOWN_S + 1.0:
        time.sleep(0.05)
    fib = fib_routes(er.ce)
    wrong = not_matching(er, fib, ONLY_M2)
    assert not wrong, (f"edgebfdd overrode zebra's version after hold-down: {wrong[:5]} "
                       f"({er.fib_summary(fib)})")
    moved = [p for p in er.shared if fib[p].nhid != zebra_nhids[p]]
    assert not moved, f"routes moved off zebra's nexthop: {moved[:5]} {er.fib_summary(fib)}"
    s = ours.session(PRIMARY)
    assert s["route_action"] == "none" and s["routes_affected"] == 0, s
    assert s["state"] == "up"

    # the system is consistent: BGP back, zebra restores ECMP on its own
    er.ce_frr.neighbor_shutdown(M1, False)
    er.ce_frr.wait_established(M1, 15.0)
    fib = wait_for(lambda: (lambda f: f if not not_matching(er, f, BOTH) else None)(
        fib_routes(er.ce)), 10.0, interval=0.05,
        message=lambda: f"zebra restores ECMP ({er.fib_summary()})")
    nhids = {fib[p].nhid for p in er.shared}
    assert len(nhids) == 1 and fib[er.shared[0]].nh_protocol == "zebra", er.fib_summary(fib)
    rib = er.ce_frr.rib(er.shared[0])
    assert sorted(h.get("ip") for h in rib[0]["nexthops"] if h.get("fib")) == sorted(BOTH), rib
    s = ours.session(PRIMARY)
    assert s["route_action"] == "none" and s["routes_affected"] == 0, s
    assert state_files(ours) == [], "state file left after restore"


# --------------------------------------------------------------------------
# 3. single-path zebra routes: deleted on Down, zebra reinstalls them in
#    ~10 ms; edgebfdd notices, warns, and does not fight


N_SINGLE = 20


def test_single_path_reinstalled_by_zebra_is_detected_not_fought(express, lab):
    er, ours, fib0 = express(n_shared=50, n_primary_only=N_SINGLE)
    group = shared_group(er, fib0)
    single = list(er.primary_only)
    for p in single:
        assert fib0[p].gateways == ONLY_M1 and fib0[p].nh_protocol == "zebra", fib0[p]
    mon = RouteMonitor(lab, er.ce).start()

    t_cut, detect = cut_primary(er, ours)
    wait_secondary_only(er, detect + 2.0)          # the ECMP part is repaired
    wait_down(ours, detect)
    s = wait_for(lambda: (lambda s: s if s["routes_undone"] > 0 else None)(
        ours.session(PRIMARY)), 3.0,
        message=lambda: f"routes_undone > 0 on {PRIMARY} ({_route_brief(ours, PRIMARY)}); "
        f"monitor: {len(mon.events(single))} events on the single-path prefixes")
    print("undone detected:", _route_brief(ours, PRIMARY))
    assert s["routes_undone"] <= N_SINGLE, s

    log_re = re.compile(r"undone|reinstall", re.I)
    line = wait_for(lambda: next((ln for ln in ours.proc.log().splitlines()
                                  if log_re.search(ln)), None), 2.0,
                    message=lambda: "a warning about zebra undoing the repair in edgebfdd's "
                    f"log:\n{ours.proc.log()[-2000:]}")
    print("warning:", line)

    # No fight: over the next 2 s, no more deletes of those prefixes, and
    # zebra's routes stay in place.
    stable_fib = fib_routes(er.ce)
    t_window = time.time()
    time.sleep(2.0)
    events = [e for e in mon.events(single) if e.time >= er.cut_wall]
    window_dels = sum(1 for e in events if e.deleted and e.time >= t_window)
    total_dels = {p: sum(1 for e in events if e.deleted and e.prefix == p) for p in single}
    print("deletes per single-path prefix during Down:", total_dels)
    assert window_dels == 0, f"edgebfdd keeps deleting: {window_dels} deletes in 2 s"
    assert max(total_dels.values()) <= 2, f"delete loop: {total_dels}"
    fib = fib_routes(er.ce)
    for p in single:
        assert p in fib and fib[p] == stable_fib[p], (p, fib.get(p), stable_fib.get(p))
        assert fib[p].gateways == ONLY_M1, fib[p]   # zebra's version (BGP did not notice)
    assert not not_matching(er, fib, ONLY_M2), "the ECMP repair must still hold"
    s = ours.session(PRIMARY)
    assert s["state"] == "down" and s["route_action"] == "withdrawn", s

    # Restore: everything back to zebra's, nothing left affected.
    restore_and_wait_up(er, ours)
    s = wait_route_state(ours, PRIMARY, "none", 0, HOLD_DOWN_S + 3.0)
    fib = wait_for(lambda: (lambda f: f if not not_matching(er, f, BOTH, nhid=group)
                            else None)(fib_routes(er.ce)), 2.0, interval=0.05,
                   message=lambda: f"shared prefixes back on group {group} "
                   f"({er.fib_summary()})")
    for p in single:
        assert fib[p].gateways == ONLY_M1 and fib[p].nh_protocol == "zebra", fib[p]
    mon.stop()
    assert er.ce_frr.bgp_state(M1) == "Established"
    assert state_files(ours) == [], "state file left after restore"
