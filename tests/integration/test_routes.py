"""Route actions (issue 5) for real: edgebfdd repairs a real kernel FIB in a
network namespace when a session goes Down, and puts it back after hold-down.

Topology (four namespaces, silent cuts in the switch):

    ce:eth1 -- sw:br1 -- p1:eth1    session "primary"   (192.0.2.1 -> .2,    2001:db8:1::1 -> ::2)
    ce:eth2 -- sw:br2 -- p2:eth1    session "secondary" (198.51.100.1 -> .2, 2001:db8:2::1 -> ::2)

The CE runs edgebfdd with both sessions and the route actions under test;
p1 and p2 each run an edgebfdd peer (on-down = none). Timers 100 ms x 3
(a 300 ms Detection Time) unless a test needs otherwise, hold-down 2 s.

Timing is measured honestly: every read of the FIB is stamped before and
after; "repaired by" is the end of the first read that saw it (or, when
earlier, the stamp of the last kernel notification of the change as `ip
monitor` read it: both are upper bounds), and "not restored before" only
counts reads that ended before the deadline.
"""

import ipaddress
import json
import os
import re
import signal
import time

import pytest

import nslab
from nslab import RouteMonitor, WaitTimeout, parse_ts, same_addr, wait_for

INTERVAL_MS = 100
MULT = 3
HOLD_S = 2.0
UP_S = 5.0
# A timer may fire this much early by our clock (timestamps in microseconds,
# the daemon's realtime stamp of Up against our time.time()).
TOL_S = 0.02

# state-file change kinds (routes-spec); "via-group": a route repaired by a
# shrunk group, one line per route: route key hex, group id
CHANGES = {"deleted", "nexthop-removed", "demoted", "group-shrunk", "via-group"}


# --------------------------------------------------------------------------
# the lab


class RouteLab:
    ADDR = {
        4: {"ce": ("192.0.2.1", "198.51.100.1"), "peer": ("192.0.2.2", "198.51.100.2"),
            "plen": 24},
        6: {"ce": ("2001:db8:1::1", "2001:db8:2::1"), "peer": ("2001:db8:1::2", "2001:db8:2::2"),
            "plen": 64},
    }
    SESSIONS = ("primary", "secondary")

    def __init__(self, lab, edgebfdd_factory):
        self.lab, self.factory = lab, edgebfdd_factory
        self.ce, self.sw = lab.ns("ce"), lab.ns("sw")
        self.peers = (lab.ns("p1"), lab.ns("p2"))
        self.links = (lab.link(self.ce, "eth1", self.peers[0], "eth1", self.sw, "br1"),
                      lab.link(self.ce, "eth2", self.peers[1], "eth1", self.sw, "br2"))
        for fam in (4, 6):
            a = self.ADDR[fam]
            for i in (0, 1):
                self.ce.add_addr(f"eth{i + 1}", f"{a['ce'][i]}/{a['plen']}")
                self.peers[i].add_addr("eth1", f"{a['peer'][i]}/{a['plen']}")
        for i in (0, 1):
            self.ce.wait_addrs_ready(f"eth{i + 1}")
            self.peers[i].wait_addrs_ready("eth1")
        self.ours = None
        self.theirs = []
        self.fam = 4
        self.interval_ms, self.mult = INTERVAL_MS, MULT

    # addresses: i = 0 primary, 1 secondary; fam 4, 6 or "ll" (link-local)
    def ce_addr(self, i, fam=None):
        fam = fam or self.fam
        if fam == "ll":
            return self.ce.link_local(f"eth{i + 1}")
        return self.ADDR[fam]["ce"][i]

    def peer_addr(self, i, fam=None):
        fam = fam or self.fam
        if fam == "ll":
            return self.peers[i].link_local("eth1")
        return self.ADDR[fam]["peer"][i]

    @property
    def family(self):
        return 4 if self.fam == 4 else 6

    def P(self, i):
        """The gateway of path i (0 primary, 1 secondary) in this lab's family."""
        return self.peer_addr(i)

    def configure(self, fam=4, interval_ms=INTERVAL_MS, mult=MULT, defaults=None,
                  primary=None, secondary=None):
        """Write the CE's and the peers' configuration (not started)."""
        self.fam, self.interval_ms, self.mult = fam, interval_ms, mult
        ours = self.factory(self.ce)
        ours.set_defaults(transmit=interval_ms, receive=interval_ms, multiplier=mult)
        ours.set_state_directory()
        ours.set_keys(None, hold_down=f"{int(HOLD_S * 1000)}ms", **(defaults or {}))
        for i, name in enumerate(self.SESSIONS):
            ours.add_session(name, f"eth{i + 1}", self.ce_addr(i), self.peer_addr(i))
        if primary:
            ours.set_keys("primary", **primary)
        if secondary:
            ours.set_keys("secondary", **secondary)
        self.ours = ours
        self.theirs = []
        for i, name in enumerate(self.SESSIONS):
            d = self.factory(self.peers[i], name="peerbfdd")
            d.set_defaults(transmit=interval_ms, receive=interval_ms, multiplier=mult)
            d.set_state_directory()
            d.set_keys(None, on_down="none")
            d.add_session(name, "eth1", self.peer_addr(i), self.ce_addr(i))
            self.theirs.append(d)
        return ours

    def start(self, up=SESSIONS, **kw):
        """configure() (unless done), start peers and CE, wait until the
        sessions in `up` are Up with their final timers on the CE."""
        if self.ours is None or kw:
            self.configure(**kw)
        for d in self.theirs:
            d.start()
        self.ours.start()
        for name in up:
            self.wait_settled(name)
        return self.ours

    def wait_settled(self, name, timeout=UP_S):
        """Up on the CE with the configured Detection Time (after the Poll
        Sequence that lowers the 1 s not-Up interval)."""
        want = self.interval_ms * 1000 * self.mult
        return wait_for(lambda: (lambda s: s if s["state"] == "up"
                                 and s["detection_time_us"] == want else None)(
                                     self.ours.session(name)),
                        timeout, message=lambda: f"{name} Up with {want} us detection "
                        f"(now {self.ours._brief(name)})")

    # -- routes
    def table(self, *selector, table="main", only=None, family=None):
        """dst -> sorted [route_key] (the lab's family by default); only: a
        set of dsts. Read without a protocol selector: ip leaves out the
        protocol of what it was asked to select by."""
        out = {}
        for r in self.ce.routes(*selector, family=family or self.family, table=table):
            if only is not None and r["dst"] not in only:
                continue
            out.setdefault(r["dst"], []).append(route_key(r))
        for v in out.values():
            v.sort(key=repr)
        return out

    def session(self, name="primary"):
        return self.ours.session(name)


def route_key(r):
    """What makes a route the same route: metric, protocol, nhid, type and
    the set of (gateway, device, weight) paths (flags such as linkdown are
    state, not identity)."""
    if r.get("nexthops"):
        hops = tuple(sorted((h.get("gateway"), h.get("dev"), h.get("weight", 1))
                            for h in r["nexthops"]))
    else:
        hops = ((r.get("gateway"), r.get("dev"), 1),)
    key = (r.get("metric", 0), r.get("protocol"), r.get("nhid"), r.get("type", "unicast"))
    attrs = (r.get("prefsrc"), json.dumps(r.get("metrics"), sort_keys=True), r.get("scope"))
    if attrs != (None, "null", None):  # only routes that have them carry them
        key += (attrs,)
    return key + (hops,)


def v4_prefix(i):
    """10.100.0.0/24 upwards (i < 39,000)."""
    return f"10.{100 + i // 256}.{i % 256}.0/24"


def v6_prefix(i):
    return str(ipaddress.ip_network(f"2001:db8:100:{i:x}::/64"))


def hops_of(keys):
    return [k[-1] for k in keys]


def ecmp_lines(prefixes, g1, g2, verb="add"):
    """ip -batch lines: each prefix proto bgp over g1 dev eth1 and g2 dev eth2."""
    return [f"route {verb} {p} proto bgp nexthop via {g1} dev eth1 nexthop via {g2} dev eth2"
            for p in prefixes]


def start_with_ecmp(rl, n=10):
    """Start the lab with n IPv4 prefixes over both peers. Returns the
    prefixes, the table of them, and a check: all on the secondary only."""
    rl.start()
    prefixes = [v4_prefix(i) for i in range(n)]
    rl.ce.ip_batch(ecmp_lines(prefixes, rl.P(0), rl.P(1)))
    return prefixes, rl.table(only=set(prefixes)), only_via(rl, prefixes, rl.P(1), "eth2")


def withdrawn_check(rl, prefixes):
    """A check: the single-path route PFX is gone and every one of the ECMP
    prefixes is on the secondary only."""
    only = set(prefixes) | {PFX}

    def check():
        t = rl.table(only=only)
        return PFX not in t and all(hops_of(t.get(p, [])) == [((rl.P(1), "eth2", 1),)]
                                    for p in prefixes)
    return check


def only_via(rl, prefixes, gw, dev):
    """A check: every one of prefixes is installed, with the single path gw dev."""
    only = set(prefixes)

    def check():
        t = rl.table(only=only)
        return set(t) == only and all(hops_of(v) == [((gw, dev, 1),)] for v in t.values())
    return check


# --------------------------------------------------------------------------
# timing


class Read:
    def __init__(self, t_s, t_e, value):
        self.t_s, self.t_e, self.value = t_s, t_e, value


def poll_until(read, ok, timeout, what, describe=None):
    """Call read() until ok(value); every read stamped before and after.
    Returns (first Read that was ok, t_s of the last read that was not).
    describe(value) -> short text for the failure message."""
    deadline = time.time() + timeout
    last_bad = None
    last = None
    while True:
        t_s = time.time()
        value = read()
        t_e = time.time()
        if ok(value):
            return Read(t_s, t_e, value), last_bad
        last_bad, last = t_s, value
        if t_e > deadline:
            text = describe(last) if describe else str(last)[:1500]
            raise WaitTimeout(f"timed out after {timeout:.2f}s waiting for {what}; "
                              f"last value {text}")
        time.sleep(0.005)


def assert_stays(read, ok, until, what, interval=0.02, describe=None):
    """ok(read()) must hold for every read that ENDS before `until` (a read
    ending later may already see the change and proves nothing either way).
    Returns the number of reads that counted; at least one must."""
    n = 0
    while time.time() < until:
        value = read()
        t_e = time.time()
        if t_e >= until:
            break
        assert ok(value), (f"{what}: violated {until - t_e:.3f}s before the deadline; saw "
                           + (describe(value) if describe else str(value)[:1500]))
        n += 1
        time.sleep(interval)
    assert n > 0, f"{what}: no read finished before the deadline"
    return n


def up_time(s):
    return parse_ts(s["last_state_change"]).timestamp()


def read_state_file(path):
    """-> (header fields, [change lines as lists]) after checking the format."""
    with open(path) as f:
        return read_state_file_text(f.read())


def read_state_file_text(text):
    lines = text.splitlines()
    assert lines and lines[0] == "edgebfd-routes 1", lines[:3]
    header = lines[1].split()
    changes = [line.split() for line in lines[2:] if line.strip()]
    kinds = sorted({c[0] for c in changes})
    assert set(kinds) <= CHANGES, (
        f"state file: change kinds {kinds}, the spec allows {sorted(CHANGES)} "
        f"({len(changes)} lines, e.g. {[c for c in changes if c[0] not in CHANGES][:1]})")
    for c in changes:
        # <change> <hex> [<hex>]; a via-group line: <key hex> <group id>, and
        # (not in routes-spec, written since d35d8af) the route's protocol
        assert 2 <= len(c) <= (4 if c[0] == "via-group" else 3), c
        assert all(re.fullmatch(r"[0-9a-fA-F]+", h) for h in c[1:]), c
    return header, changes


def check_state_header(rl, header, name="primary", i=0):
    assert header[:3] == ["session", name, f"eth{i + 1}"], header
    assert len(header) == 5, header
    assert same_addr(header[3], rl.ce_addr(i)) and same_addr(header[4], rl.peer_addr(i)), header


def wait_json(rl, name, timeout=1.0, **want):
    """The CE's session JSON shows every field in want."""
    def ok():
        s = rl.session(name)
        return s if all(s.get(k) == v for k, v in want.items()) else None
    return wait_for(ok, timeout, message=lambda: f"{name} shows {want} (now "
                    f"{ {k: rl.session(name).get(k) for k in list(want) + ['state']} })")


def restore_after_hold_down(rl, restored, withdrawn, what, name="primary", restore_link=None,
                            hold_s=HOLD_S, up_timeout=UP_S, show=None):
    """Bring the primary back (restore_link or the switch port), wait Up,
    require `withdrawn` until Up + hold-down and `restored` soon after.
    restored/withdrawn are predicates that read for themselves; show() is
    what a failure prints (default: the lab family's main table)."""
    show = show or (lambda: {k: v for k, v in list(rl.table().items())[:6]})

    def now(_):
        return f"now {show()}, {rl.session(name).get('route_action')}"
    (restore_link or rl.links[0].restore)()
    s = rl.ours.wait_state(name, "up", up_timeout)
    t_up = up_time(s)
    action = wait_json(rl, name, 0.5, route_action="holding-down")
    assert action["routes_affected"] > 0, action
    n = assert_stays(withdrawn, bool, t_up + hold_s - TOL_S,
                     f"{what}: still withdrawn until hold-down ({hold_s}s) after Up",
                     describe=now)
    first, _ = poll_until(restored, bool, t_up + hold_s + 1.5 - time.time(),
                          f"{what}: restored after hold-down", describe=now)
    print(f"{what}: Up at {t_up:.3f}; {n} reads still withdrawn; restored by "
          f"+{first.t_e - t_up:.3f}s after Up (hold-down {hold_s}s)")
    assert first.t_e >= t_up + hold_s - TOL_S
    return t_up


def check_clean(rl, name="primary"):
    wait_json(rl, name, 1.0, route_action="none", routes_affected=0)
    wait_for(lambda: not os.path.exists(rl.ours.state_file(name)), 1.0,
             message=f"{name}'s state file removed")


# --------------------------------------------------------------------------
# 1 and 3: ECMP, IPv4 and IPv6


def ecmp_failover(rl, prefixes, label, after_down_budget=None, untouched=()):
    """Cut the primary; every prefix on the secondary only within Detection
    Time + 100 ms of the cut (or, with after_down_budget, that long after
    the daemon's Down); restore after hold-down, not before. The routes of
    the dsts in untouched never change."""
    kept = rl.table(only=set(untouched))
    assert set(kept) == set(untouched), kept
    ours = rl.ours
    P1, P2 = rl.P(0), rl.P(1)
    only = set(prefixes)
    before = rl.table(only=only)
    assert set(before) == only, f"{len(before)} of {len(only)} routes installed"
    assert all(hops_of(v) == [tuple(sorted(((P1, "eth1", 1), (P2, "eth2", 1))))]
               for v in before.values()), list(before.items())[:2]
    detect_s = rl.session()["detection_time_us"] / 1e6
    mon = RouteMonitor(rl.lab, rl.ce, ("route",))

    second_only = [((P2, "eth2", 1),)]

    def repaired(t):
        return set(t) == only and all(hops_of(v) == second_only for v in t.values())

    t_cut = time.time()
    rl.links[0].cut()
    def describe(t):
        bad = sorted(p for p in only if hops_of(t.get(p, [])) != second_only)
        return (f"{len(only) - len(bad)} of {len(only)} repaired; e.g. "
                f"{[(p, t.get(p)) for p in bad[:2]]}")
    first, last_bad = poll_until(lambda: rl.table(only=only), repaired,
                                 detect_s + 3.0, f"every prefix on {P2} only", describe)
    down = rl.session()
    assert down["state"] == "down" and down["local_diag"] == "control-detection-time-expired", down
    t_down = up_time(down)

    # The kernel's own notifications: the last one for each prefix.
    last = {}
    for ts, text in mon.events():
        if ts < t_cut:
            continue
        dst = text.split()[1] if text.startswith("Deleted") else text.split()[0]
        dst = str(ipaddress.ip_network(dst, strict=False)) if "/" in dst else dst
        if dst in only:
            last[dst] = ts
    mon_done = max(last.values()) if len(last) == len(only) else None
    done = min(first.t_e, mon_done) if mon_done else first.t_e
    budget = detect_s + 0.100
    if after_down_budget is not None:
        budget = t_down - t_cut + after_down_budget
    def ms(t, since=t_cut):
        return f"{(t - since) * 1000:.1f} ms"
    report = (f"{label}: cut at 0; Down (daemon) +{ms(t_down)}; "
              f"last unrepaired read started +{ms(last_bad or t_cut)}; "
              f"first repaired read {ms(first.t_s)} to {ms(first.t_e)}; "
              f"ip monitor: {len(last)} prefixes changed, last "
              + (f"+{ms(mon_done)} ({ms(mon_done, t_down)} after Down)" if mon_done
                 else "incomplete")
              + f"; budget {budget * 1000:.0f} ms")
    print(report)
    assert done - t_cut <= budget, report
    mon.stop()

    s = wait_json(rl, "primary", 1.0, route_action="withdrawn", routes_affected=len(only))
    assert s["route_errors"] == 0, s
    assert rl.table(only=set(untouched)) == kept
    assert rl.session("secondary")["route_action"] == "none"
    header, changes = read_state_file(ours.state_file("primary"))
    check_state_header(rl, header)
    assert len(changes) == len(only), f"{len(changes)} change lines"
    assert {c[0] for c in changes} == {"nexthop-removed"}, {c[0] for c in changes}
    listed = ours.routes("primary")
    assert listed["session"] == "primary" and listed["route_action"] == "withdrawn", \
        {k: v for k, v in listed.items() if k != "routes"}
    assert {r["prefix"] for r in listed["routes"]} == only
    assert {r["change"] for r in listed["routes"]} == {"nexthop-removed"}
    assert {(r["table"], r["protocol"]) for r in listed["routes"]} == {(254, "bgp")}
    assert not os.path.exists(ours.state_file("secondary"))

    restore_after_hold_down(
        rl, restored=lambda: rl.table(only=only) == before,
        withdrawn=lambda: repaired(rl.table(only=only)), what=label)
    check_clean(rl)
    assert rl.table(only=set(untouched)) == kept


@pytest.mark.parametrize("n", [1000, 10000], ids=["1000", "10000"])
def test_ecmp_ipv4(lab, edgebfdd_factory, n):
    """1,000 ECMP prefixes over both peers: a silent cut of the primary
    leaves every one on the secondary only within Detection Time + 100 ms;
    the original ECMP routes come back after hold-down, not before. 10,000
    prefixes: repaired within a second of Down (issue 5, "Speed")."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.start(fam=4)
    prefixes = [v4_prefix(i) for i in range(n)]
    rl.ce.ip_batch(f"route add {p} proto bgp nexthop via {rl.P(0)} dev eth1 "
                   f"nexthop via {rl.P(1)} dev eth2" for p in prefixes)
    ecmp_failover(rl, prefixes, f"{n} IPv4 ECMP", after_down_budget=1.0 if n > 1000 else None)


@pytest.mark.parametrize("fam", [6, "ll"], ids=["global", "link-local"])
def test_ecmp_ipv6(lab, edgebfdd_factory, fam):
    """The same over IPv6 sessions with 100 prefixes: global peer addresses,
    and link-local ones (gateway fe80::... dev ethN)."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.start(fam=fam)
    prefixes = [v6_prefix(i) for i in range(100)]
    batch = [f"route add {p} proto bgp nexthop via {rl.P(0)} dev eth1 "
             f"nexthop via {rl.P(1)} dev eth2" for p in prefixes]
    untouched = []
    if fam == "ll":
        # A link-local gateway is the peer only on the session's interface:
        # the primary peer's fe80:: address out of eth2 is someone else.
        untouched = ["2001:db8:300::/64"]
        batch.append(f"route add {untouched[0]} proto bgp via {rl.P(0)} dev eth2")
    rl.ce.ip_batch(batch)
    ecmp_failover(rl, prefixes, f"100 IPv6 ECMP ({'link-local' if fam == 'll' else 'global'})",
                  untouched=untouched)


def test_ipv6_routes_via_peer_link_local(lab, edgebfdd_factory):
    """IPv6 sessions between global addresses, routes through the peers'
    link-local addresses (what bgpd installs when the peer announces a
    link-local next hop): the primary's path goes, the secondary's stays,
    and the ECMP routes come back after hold-down. edgebfdd knows the
    primary's link-local address as the one with the same MAC in the
    neighbour table."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.start(fam=6)
    L1, L2 = rl.peer_addr(0, "ll"), rl.peer_addr(1, "ll")
    for ll, dev in ((L1, "eth1"), (L2, "eth2")):
        # talk to the link-local address (a BGP speaker would): the kernel
        # resolves it by neighbour discovery
        def resolved():
            rl.ce.run(["python3", "-c", "import socket; socket.socket(socket.AF_INET6, "
                       f"socket.SOCK_DGRAM).sendto(b'x', ('{ll}', 9, 0, "
                       f"socket.if_nametoindex('{dev}')))"])
            return any(n.get("dst") == ll and n.get("lladdr")
                       for n in rl.ce.ip_json("-6", "neigh", "show", "dev", dev))
        wait_for(resolved, 5.0, interval=0.2, message=f"{ll} resolved on {dev}")
    prefixes = [v6_prefix(i) for i in range(20)]
    rl.ce.ip_batch(ecmp_lines(prefixes, L1, L2))
    only = set(prefixes)
    before = rl.table(only=only)
    assert all(hops_of(v) == [tuple(sorted(((L1, "eth1", 1), (L2, "eth2", 1))))]
               for v in before.values()), before
    secondary_only = only_via(rl, prefixes, L2, "eth2")

    rl.links[0].cut()
    wait_for(secondary_only, 2.0, message="the primary's link-local path removed")
    # both of the peer's entries marked failed: its global and link-local
    wait_json(rl, "primary", 1.0, neighbors_marked_failed=2)
    for addr in (rl.P(0), L1):
        states = neighbor_states(rl.ce, addr, "eth1")
        assert not set(states) & NUD_VALID, (addr, states)
    restore_after_hold_down(rl, lambda: rl.table(only=only) == before, secondary_only,
                            "IPv6 via link-local next hops")
    check_clean(rl)
    # Down again: BFD's packets made the global entry valid, but nothing
    # spoke to the link-local address since it was marked, so the table
    # cannot tell it is the peer's any more: edgebfdd remembers it.
    assert not set(neighbor_states(rl.ce, L1, "eth1")) & NUD_VALID, \
        "the link-local entry is valid again: this part tests nothing"
    rl.links[0].cut()
    wait_for(secondary_only, 2.0, message="the link-local path removed again")
    restore_after_hold_down(rl, lambda: rl.table(only=only) == before, secondary_only,
                            "IPv6 via link-local next hops, second Down")
    check_clean(rl)


# --------------------------------------------------------------------------
# 2: kernel nexthop objects


def add_group_routes(rl, prefixes, proto="bgp", nh_proto=None):
    """Nexthop objects 1 (via the primary's peer), 2 (the secondary's) and
    group 10 = 1/2, and each of prefixes through nhid 10. nh_proto: the
    objects' protocol ("zebra": as zebra makes them)."""
    tail = f" proto {nh_proto}" if nh_proto else ""
    rl.ce.ip_batch([f"nexthop add id 1 via {rl.P(0)} dev eth1{tail}",
                    f"nexthop add id 2 via {rl.P(1)} dev eth2{tail}",
                    f"nexthop add id 10 group 1/2{tail}"]
                   + [f"route add {p} nhid 10 proto {proto}" for p in prefixes])


def test_nexthop_group_shrinks_once(lab, edgebfdd_factory):
    """1,000 routes through nexthop group 10 = 1/2: the cut replaces the
    group once, with member 2 only; the routes keep nhid 10; the group is
    1/2 again after hold-down, not before."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.configure(fam=4)
    prefixes = [v4_prefix(i) for i in range(1000)]
    only = set(prefixes)
    add_group_routes(rl, prefixes)
    rl.start()
    ours = rl.ours
    group_before = rl.ce.nexthops()[10]["group"]
    assert [g["id"] for g in group_before] == [1, 2], group_before
    before = rl.table(only=only)
    assert len(before) == 1000 and all(v[0][2] == 10 for v in before.values())

    detect_s = rl.session()["detection_time_us"] / 1e6
    mon = RouteMonitor(lab, rl.ce, ("nexthop",))
    t_cut = time.time()
    rl.links[0].cut()
    first, _ = poll_until(lambda: rl.ce.nexthops().get(10, {}).get("group"),
                          lambda g: g is not None and [m["id"] for m in g] == [2],
                          detect_s + 3.0, "group 10 = member 2 only")
    s = wait_json(rl, "primary", 1.0, route_action="withdrawn", routes_affected=1000)
    t_down = up_time(s)
    events = [(ts, text) for ts, text in mon.events()
              if ts >= t_cut and re.match(r"^(Deleted )?id \d+", text)]
    group_events = [e for e in events if re.match(r"^id 10 group", e[1])]
    report = (f"nexthop group: Down +{(t_down - t_cut) * 1000:.1f} ms after the cut; first read "
              f"with group 2 ended +{(first.t_e - t_cut) * 1000:.1f} ms; nexthop events "
              f"{[(round((ts - t_cut) * 1000, 1), t) for ts, t in events]}")
    print(report)
    assert len(events) == 1 and len(group_events) == 1, "one group update expected: " + report
    assert group_events[0][1].split()[:4] == ["id", "10", "group", "2"], report
    done = min(first.t_e, group_events[0][0])
    assert done - t_cut <= detect_s + 0.100, report
    after = rl.table(only=only)
    assert set(after) == only
    assert all(len(v) == 1 and v[0][2] == 10 and v[0][-1] == ((rl.P(1), "eth2", 1),)
               for v in after.values()), list(after.items())[:2]
    assert s["route_errors"] == 0, s
    # The state file must exist now; its format is checked at the end so
    # that the restore is tested whatever the file holds.
    state_path = ours.state_file("primary")
    with open(state_path) as f:
        state_text = f.read()
    listed = ours.routes("primary")["routes"]
    assert listed and {r["change"] for r in listed} == {"group-shrunk"}, listed[:3]
    assert {r.get("nexthop_group") for r in listed} == {10}, listed[:3]

    def group_ids():
        return [m["id"] for m in rl.ce.nexthops()[10]["group"]]
    restore_after_hold_down(rl, restored=lambda: group_ids() == [1, 2],
                            withdrawn=lambda: group_ids() == [2], what="nexthop group")
    assert rl.ce.nexthops()[10]["group"] == group_before
    assert rl.table(only=only) == before
    check_clean(rl)
    # the state file as it was while withdrawn (spec: one line per changed
    # route or group; <change> one of CHANGES)
    header, changes = read_state_file_text(state_text)
    check_state_header(rl, header)
    kinds = [c[0] for c in changes]
    assert kinds.count("group-shrunk") == 1 and kinds.count("via-group") == 1000, (
        f"{len(changes)} change lines, kinds {sorted(set(kinds))}: {changes[:3]}")
    assert {c[2] for c in changes if c[0] == "via-group"} == {"10"}, changes[:3]


def test_zebra_nexthop_group_not_modified(lab, edgebfdd_factory):
    """A nexthop group owned by zebra (proto zebra) is never replaced: zebra
    would revert it (README). The routes through it leave the dead path
    another way, and come back through the group after hold-down."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.configure(fam=4)
    prefixes = [v4_prefix(i) for i in range(100)]
    only = set(prefixes)
    add_group_routes(rl, prefixes, nh_proto="zebra")
    rl.start()
    nexthops_before = rl.ce.nexthops()
    before = rl.table(only=only)
    second_only = [((rl.P(1), "eth2", 1),)]

    def repaired():
        t = rl.table(only=only)
        return set(t) == only and all(hops_of(v) == second_only for v in t.values())
    mon = RouteMonitor(lab, rl.ce, ("nexthop",))
    rl.links[0].cut()
    poll_until(repaired, bool, 3.0, "every route on the secondary only")
    wait_json(rl, "primary", 1.0, route_action="withdrawn", routes_affected=100)
    assert rl.ce.nexthops() == nexthops_before
    nh_events = [t for _, t in mon.events() if re.match(r"^(Deleted )?id \d+", t)]
    assert nh_events == [], nh_events
    restore_after_hold_down(rl, restored=lambda: rl.table(only=only) == before,
                            withdrawn=repaired, what="zebra group")
    assert rl.ce.nexthops() == nexthops_before
    check_clean(rl)


# --------------------------------------------------------------------------
# 2b: the peer's neighbour entry (mark-neighbor-failed)

# The kernel's NUD_VALID states: a nexthop group uses a member whose
# neighbour entry is in one of these (or has no entry at all).
NUD_VALID = {"PERMANENT", "NOARP", "REACHABLE", "STALE", "DELAY", "PROBE"}


def neighbor_states(ns, addr, dev):
    """The NUD states of addr's neighbour entry on dev ([] if none)."""
    for n in ns.ip_json("-6" if ":" in addr else "-4", "neigh", "show", "dev", dev):
        if same_addr(n.get("dst", ""), addr):
            return n.get("state", [])
    return []


def lookup_devs(ns, dsts):
    """{dev: how many of dsts the kernel's lookup sends out of it}: a
    nexthop group picks one member per destination (its hash)."""
    out = {}
    for d in dsts:
        dev = ns.ip_json("route", "get", d)[0]["dev"]
        out[dev] = out.get(dev, 0) + 1
    return out


@pytest.mark.parametrize("fam", [4, 6], ids=["ipv4", "ipv6"])
@pytest.mark.parametrize("mark", ["yes", "no"])
def test_neighbor_marked_failed(lab, edgebfdd_factory, fam, mark):
    """At the Down edgebfdd marks the peer's neighbour entry failed. The
    kernel's nexthop groups skip a member whose neighbour entry is not
    valid, so every route through a group (zebra's way) leaves the dead
    peer with that one request, before any route is rewritten; here even
    routes the action leaves alone (proto ospf is not in route-protocols)
    and that stay exactly as they were. mark-neighbor-failed = no turns it
    off: the kernel keeps the entry valid for seconds after the cut, and
    lookups still pick the dead peer. Nothing needs undoing: with the link
    back, the peer's answers make the entry valid again and the group
    spreads over both paths."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.configure(fam=fam, primary={"mark_neighbor_failed": mark})
    if fam == 4:
        prefixes = [v4_prefix(i) for i in range(32)]
        dsts = [p.replace(".0/24", ".1") for p in prefixes]
    else:
        prefixes = [v6_prefix(i) for i in range(32)]
        dsts = [p.replace("::/64", "::1") for p in prefixes]
    only = set(prefixes)
    add_group_routes(rl, prefixes, proto="ospf", nh_proto="zebra")
    rl.start()
    before = rl.table(only=only)
    nexthops_before = rl.ce.nexthops()
    assert len(before) == 32
    wait_for(lambda: set(neighbor_states(rl.ce, rl.P(0), "eth1")) & NUD_VALID, 3.0,
             message=lambda: f"{rl.P(0)} resolved on eth1 "
             f"({neighbor_states(rl.ce, rl.P(0), 'eth1')})")
    spread = lookup_devs(rl.ce, dsts)
    assert set(spread) == {"eth1", "eth2"}, spread

    rl.links[0].cut()
    rl.ours.wait_state("primary", "down", 2.0)
    if mark == "yes":
        wait_for(lambda: lookup_devs(rl.ce, dsts) == {"eth2": 32}, 1.0,
                 message=lambda: f"every lookup out of eth2 ({lookup_devs(rl.ce, dsts)}, "
                 f"entry {neighbor_states(rl.ce, rl.P(0), 'eth1')})")
        states = neighbor_states(rl.ce, rl.P(0), "eth1")
        assert states and not set(states) & NUD_VALID, states
        wait_json(rl, "primary", 1.0, neighbors_marked_failed=1)
        assert re.search(r"session primary: 1 neighbor entry of the peer marked failed "
                         r"[0-9.]+ ms after down", rl.ours.proc.log()), rl.ours.proc.log()[-2000:]
    else:
        states = neighbor_states(rl.ce, rl.P(0), "eth1")
        now = lookup_devs(rl.ce, dsts)
        assert set(states) & NUD_VALID, f"the kernel failed the entry itself already: {states}"
        assert now.get("eth1"), f"lookups still pick the dead peer when not marked: {now}"
        assert rl.session()["neighbors_marked_failed"] == 0
        assert "marked failed" not in rl.ours.proc.log()
    # the routes themselves (not selected) and the nexthop objects: untouched
    assert rl.table(only=only) == before
    assert rl.ce.nexthops() == nexthops_before

    rl.links[0].restore()
    rl.wait_settled("primary")
    wait_for(lambda: set(lookup_devs(rl.ce, dsts)) == {"eth1", "eth2"}, 5.0,
             message=lambda: f"the group spreads over both links again "
             f"({lookup_devs(rl.ce, dsts)}, entry {neighbor_states(rl.ce, rl.P(0), 'eth1')})")
    assert rl.table(only=only) == before


def test_permanent_neighbor_left_alone(lab, edgebfdd_factory):
    """The operator's permanent neighbour entry for the peer is not ours to
    change: it stays as it is through the Down; the routes are repaired as
    usual."""
    rl = RouteLab(lab, edgebfdd_factory)
    prefixes, before, secondary_only = start_with_ecmp(rl)
    mac = rl.peers[0].ip_json("link", "show", "dev", "eth1")[0]["address"]
    rl.ce.ip("neigh", "replace", rl.P(0), "lladdr", mac, "dev", "eth1", "nud", "permanent")
    rl.links[0].cut()
    wait_for(secondary_only, 3.0, message="routes repaired")
    wait_json(rl, "primary", 1.0, route_action="withdrawn", routes_affected=len(prefixes))
    assert neighbor_states(rl.ce, rl.P(0), "eth1") == ["PERMANENT"]
    assert rl.session()["neighbors_marked_failed"] == 0
    restore_after_hold_down(rl, lambda: rl.table(only=set(prefixes)) == before,
                            secondary_only, "with a permanent neighbour entry")
    assert neighbor_states(rl.ce, rl.P(0), "eth1") == ["PERMANENT"]
    check_clean(rl)


# --------------------------------------------------------------------------
# 4: single path, withdraw and demote


PFX = PFX4 = "10.200.0.0/24"


@pytest.mark.parametrize("fam", [4, 6], ids=["ipv4", "ipv6"])
@pytest.mark.parametrize("action", ["withdraw", "demote"])
def test_single_path(lab, edgebfdd_factory, action, fam):
    """10.200.0.0/24 (2001:db8:200::/64) via the primary (static, metric
    100) and a backup via the secondary (metric 200). withdraw: the
    metric-100 route goes, the backup is the only one. demote: it stays with
    metric 5100 and the kernel picks the backup. Both back to metric 100
    after hold-down."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.start(fam=fam, primary={"on_down": action, "demote_metric": 5000})
    P1, P2 = rl.P(0), rl.P(1)
    PFX, probe = (PFX4, "10.200.0.1") if fam == 4 else ("2001:db8:200::/64", "2001:db8:200::1")
    rl.ce.ip_batch([f"route add {PFX} via {P1} dev eth1 proto static metric 100",
                    f"route add {PFX} via {P2} dev eth2 proto static metric 200"])
    orig = (100, "static", None, "unicast", ((P1, "eth1", 1),))
    backup = (200, "static", None, "unicast", ((P2, "eth2", 1),))
    demoted = (5100, "static", None, "unicast", ((P1, "eth1", 1),))
    before = rl.table(only={PFX})
    assert before == {PFX: sorted([orig, backup], key=repr)}, before
    after_want = [backup] if action == "withdraw" else sorted([demoted, backup], key=repr)

    rl.links[0].cut()
    poll_until(lambda: rl.table(only={PFX}).get(PFX), lambda v: v == after_want, 3.0,
               f"{action}: {after_want}")
    label = "withdrawn" if action == "withdraw" else "demoted"
    s = wait_json(rl, "primary", 1.0, route_action=label, routes_affected=1)
    assert s["route_errors"] == 0, s
    got = rl.ce.ip_json("route", "get", probe)
    assert got[0]["gateway"] == P2 and got[0]["dev"] == "eth2", got
    listed = rl.ours.routes("primary")
    assert listed["route_action"] == label
    assert len(listed["routes"]) == 1, listed
    r = listed["routes"][0]
    assert (r["prefix"], r["table"], r["protocol"]) == (PFX, 254, "static"), r
    assert r["change"] == ("deleted" if action == "withdraw" else "demoted"), r
    assert r["metric"] in ((100,) if action == "withdraw" else (100, 5100)), r
    header, changes = read_state_file(rl.ours.state_file("primary"))
    check_state_header(rl, header)
    assert [c[0] for c in changes] == [r["change"]], changes

    restore_after_hold_down(
        rl, restored=lambda: rl.table(only={PFX}) == before,
        withdrawn=lambda: rl.table(only={PFX}).get(PFX) == after_want, what=action)
    check_clean(rl)


def test_netlink_error_is_counted_and_logged(lab, edgebfdd_factory):
    """A request the kernel refuses is an error, not a silent no-op: with
    on-down = demote, a route already sitting at the demoted metric makes
    the re-add fail (EEXIST). It is retried once, then counted in
    route_errors and logged with the route and errno; the original route
    is left as it was (nothing half done)."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.start(fam=4, primary={"on_down": "demote", "demote_metric": 5000})
    P1, P2 = rl.P(0), rl.P(1)
    rl.ce.ip_batch([f"route add {PFX4} via {P1} dev eth1 proto static metric 100",
                    f"route add {PFX4} via {P2} dev eth2 proto static metric 5100"])
    before = rl.table(only={PFX4})
    assert len(before[PFX4]) == 2, before

    rl.links[0].cut()
    s = wait_json(rl, "primary", 3.0, state="down", route_errors=1)
    assert s["routes_affected"] == 0 and s["route_action"] == "none", s
    assert rl.table(only={PFX4}) == before
    log = rl.ours.proc.log()
    assert "failed twice" in log and PFX4 in log and "File exists" in log, log[-2000:]
    assert not os.path.exists(rl.ours.state_file("primary"))


# --------------------------------------------------------------------------
# 5: link events


@pytest.mark.parametrize("where", ["ce-admin-down", "carrier-loss"])
def test_link_down_acts_at_once(lab, edgebfdd_factory, where):
    """Our interface set down, or its carrier lost (the switch's port of the
    link goes down), with a 3 s Detection Time: the routes are repaired
    within 500 ms, the session is Down with diag Path Down."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.start(interval_ms=1000, mult=3)
    P1, P2 = rl.P(0), rl.P(1)
    prefixes = [v4_prefix(i) for i in range(10)]
    batch = [f"route add {p} proto bgp nexthop via {P1} dev eth1 nexthop via {P2} dev eth2"
             for p in prefixes]
    # With eth1 set down the kernel deletes single-path routes through it by
    # itself: only the carrier case tells whether edgebfdd deletes them.
    single = where == "carrier-loss"
    if single:
        batch.append(f"route add {PFX} via {P1} dev eth1 proto static metric 100")
    rl.ce.ip_batch(batch)
    only = set(prefixes) | {PFX}
    before = rl.table(only=only)

    def repaired(t):
        return (all(hops_of(t.get(p, [])) == [((P2, "eth2", 1),)] for p in prefixes)
                and PFX not in t)

    ns, ifname = (rl.ce, "eth1") if where == "ce-admin-down" else (rl.sw, rl.links[0].ports[0])
    t0 = time.time()
    ns.ip("link", "set", ifname, "down")
    first, _ = poll_until(lambda: rl.table(only=only), repaired, 3.0,
                          "routes repaired after the link went down")
    s = rl.ours.wait_state("primary", "down", 1.0, local_diag="path-down")
    print(f"{where}: Path Down +{(up_time(s) - t0) * 1000:.1f} ms, routes repaired by "
          f"+{(first.t_e - t0) * 1000:.1f} ms (Detection Time 3 s)")
    assert first.t_e - t0 < 0.5, f"repaired {first.t_e - t0:.3f}s after the link went down"
    wait_json(rl, "primary", 1.0, route_action="withdrawn",
              routes_affected=len(prefixes) + (1 if single else 0))

    restored_want = before if single else {p: before[p] for p in prefixes}
    restore_after_hold_down(
        rl, restored=lambda: rl.table(only=only) == restored_want,
        withdrawn=lambda: repaired(rl.table(only=only)), what=where,
        restore_link=lambda: ns.ip("link", "set", ifname, "up"), hold_s=HOLD_S,
        up_timeout=10.0)
    check_clean(rl)


# --------------------------------------------------------------------------
# 6: crash and restart


@pytest.mark.parametrize("how", ["sigkill", "sigterm", "sigterm-then-unconfigured",
                                 "sigterm-in-hold-down"])
def test_restart_reconciles(lab, edgebfdd_factory, how):
    """Routes withdrawn, then edgebfdd dies (SIGKILL) or stops (SIGTERM):
    the routes stay withdrawn and the state file stays; a restart with the
    same configuration adopts the file and restores after Up + hold-down;
    a restart whose configuration no longer has the session restores at
    once and removes the file. SIGTERM while Up in hold-down restores
    before exit and leaves no file."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.configure()
    P1, P2 = rl.P(0), rl.P(1)
    prefixes = [v4_prefix(i) for i in range(100)]
    rl.ce.ip_batch([f"route add {p} proto bgp nexthop via {P1} dev eth1 nexthop via {P2} dev eth2"
                    for p in prefixes]
                   + [f"route add {PFX} via {P1} dev eth1 proto static metric 100",
                      # restored exactly: weights, source address, route metrics
                      f"route add 10.150.0.0/24 proto bgp metric 20 src 192.0.2.1 mtu 1400 "
                      f"nexthop via {P1} dev eth1 weight 3 nexthop via {P2} dev eth2 weight 1"])
    prefixes.append("10.150.0.0/24")
    only = set(prefixes) | {PFX}
    rl.start()
    ours = rl.ours
    before = rl.table(only=only)
    assert set(before) == only

    withdrawn = withdrawn_check(rl, prefixes)

    rl.links[0].cut()
    wait_for(withdrawn, 3.0, message="routes withdrawn")
    wait_json(rl, "primary", 1.0, route_action="withdrawn", routes_affected=102)
    path = ours.state_file("primary")
    header, changes = read_state_file(path)
    assert sorted(c[0] for c in changes).count("nexthop-removed") == 101, changes[:3]
    assert [c[0] for c in changes].count("deleted") == 1, changes[:3]
    with open(path) as f:
        saved = f.read()

    if how == "sigterm-in-hold-down":
        rl.links[0].restore()
        rl.ours.wait_state("primary", "up", UP_S)
        wait_json(rl, "primary", 0.5, route_action="holding-down")
        assert withdrawn()
        ours.proc.send_signal(signal.SIGTERM)
        rc = ours.proc.wait_exit(5.0)
        assert rc == 0, (rc, ours.proc.log()[-2000:])
        assert rl.table(only=only) == before, "not restored before exit"
        assert os.listdir(os.path.dirname(path)) == [], os.listdir(os.path.dirname(path))
        return

    sig = signal.SIGKILL if how == "sigkill" else signal.SIGTERM
    ours.proc.send_signal(sig)
    rc = ours.proc.wait_exit(5.0)
    assert rc == (-signal.SIGKILL if how == "sigkill" else 0), (rc, ours.proc.log()[-2000:])
    assert withdrawn(), "routes changed when edgebfdd stopped"
    with open(path) as f:
        assert f.read() == saved, "state file changed at exit"
    assert sorted(os.listdir(os.path.dirname(path))) == ["primary.routes"], \
        os.listdir(os.path.dirname(path))

    if how == "sigterm-then-unconfigured":
        # The session is gone from the configuration: restore at once, even
        # with the link still cut, and remove the file.
        del ours.sessions_cfg["primary"]
        t0 = time.time()
        ours.start()
        first, _ = poll_until(lambda: rl.table(only=only), lambda t: t == before, 3.0,
                              "routes restored at start-up")
        print(f"unconfigured session's file restored {(first.t_e - t0) * 1000:.0f} ms "
              f"after the start")
        wait_for(lambda: not os.path.exists(path), 1.0, message="state file removed")
        return

    rl.links[0].restore()
    ours.start()
    # Adopted: still withdrawn while the session comes Up and for hold-down.
    assert withdrawn(), "restored at start-up instead of after Up + hold-down"
    restore_after_hold_down(rl, restored=lambda: rl.table(only=only) == before,
                            withdrawn=withdrawn, what=f"after {how} and restart",
                            restore_link=lambda: None)
    check_clean(rl)


def test_reload(lab, edgebfdd_factory):
    """SIGHUP while routes are withdrawn: an unchanged session keeps them
    withdrawn; a session removed from the configuration has them restored
    at once (README) and its state file removed."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.start()
    P1, P2 = rl.P(0), rl.P(1)
    prefixes = [v4_prefix(i) for i in range(10)]
    rl.ce.ip_batch(ecmp_lines(prefixes, P1, P2)
                   + [f"route add {PFX} via {P1} dev eth1 proto static metric 100"])
    only = set(prefixes) | {PFX}
    before = rl.table(only=only)

    withdrawn = withdrawn_check(rl, prefixes)
    rl.links[0].cut()
    wait_for(withdrawn, 3.0, message="routes withdrawn")
    wait_json(rl, "primary", 1.0, route_action="withdrawn", routes_affected=11)
    rl.ours.reload()
    assert_stays(withdrawn, bool, time.time() + 0.5, "unchanged session after SIGHUP")
    assert rl.session()["route_action"] == "withdrawn"
    del rl.ours.sessions_cfg["primary"]
    rl.ours.reload()
    poll_until(lambda: rl.table(only=only), lambda t: t == before, 2.0,
               "routes of the removed session restored")
    wait_for(lambda: not os.path.exists(rl.ours.state_file("primary")), 1.0,
             message="the removed session's state file removed")
    assert [s["name"] for s in rl.ours.sessions()] == ["secondary"]


# --------------------------------------------------------------------------
# 7: the peer's AdminDown


@pytest.mark.parametrize("policy", ["ignore", "act"])
def test_peer_admin_down(lab, edgebfdd_factory, policy):
    """The peer's AdminDown is maintenance: no route change by default;
    with on-peer-admin-down = act the routes are withdrawn."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.start(defaults={"on_peer_admin_down": policy})
    P1, P2 = rl.P(0), rl.P(1)
    prefixes = [v4_prefix(i) for i in range(10)]
    rl.ce.ip_batch(ecmp_lines(prefixes, P1, P2)
                   + [f"route add {PFX} via {P1} dev eth1 proto static metric 100"])
    only = set(prefixes) | {PFX}
    before = rl.table(only=only)

    withdrawn = withdrawn_check(rl, prefixes)

    rl.theirs[0].disable("primary")
    s = rl.ours.wait_state("primary", "down", 2.0, peer_admin_down=True)
    if policy == "ignore":
        assert_stays(lambda: (rl.table(only=only), rl.session()),
                     lambda v: v[0] == before and v[1]["route_action"] == "none"
                     and v[1]["routes_affected"] == 0,
                     time.time() + 1.0, "peer AdminDown: routes untouched")
        assert s["local_diag"] == "neighbor-signaled-session-down", s
        rl.theirs[0].enable("primary")
        rl.ours.wait_state("primary", "up", UP_S)
        assert_stays(lambda: (rl.table(only=only), rl.session()),
                     lambda v: v[0] == before and v[1]["route_action"] == "none",
                     time.time() + 0.5, "back Up: nothing to restore")
        return
    wait_for(withdrawn, 1.0, message="routes withdrawn on the peer's AdminDown (act)")
    wait_json(rl, "primary", 1.0, route_action="withdrawn", routes_affected=11)
    restore_after_hold_down(rl, restored=lambda: rl.table(only=only) == before,
                            withdrawn=withdrawn, what="peer AdminDown (act)",
                            restore_link=lambda: rl.theirs[0].enable("primary"))
    check_clean(rl)


def test_watcher_resyncs_after_enobufs(lab, edgebfdd_factory):
    """The kernel drops route notifications a full socket cannot take
    (ENOBUFS). With edgebfdd stopped (SIGSTOP) a storm of 120,000 changes in
    another table overflows its watcher, and only then does the owner put
    the withdrawn route back: that notification is lost. After SIGCONT the
    watcher must notice the loss, read all routes again, and find the route
    back through the dead peer (routes_undone 1)."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.start()
    P1 = rl.P(0)
    rl.ce.ip("route", "add", PFX, "via", P1, "dev", "eth1", "proto", "static", "metric", "100")
    rl.links[0].cut()
    wait_for(lambda: PFX not in rl.table(only={PFX}), 3.0, message="route withdrawn")
    wait_json(rl, "primary", 1.0, route_action="withdrawn", routes_affected=1, routes_undone=0)

    storm = [f"route add 10.{i // 65536}.{i // 256 % 256}.{i % 256}/32 dev eth2 table 100"
             for i in range(60000)]
    rl.ours.proc.send_signal(signal.SIGSTOP)
    try:
        rl.ce.ip_batch(storm)
        rl.ce.ip_batch([line.replace("add", "del", 1) for line in storm])
        rl.ce.ip("route", "add", PFX, "via", P1, "dev", "eth1", "proto", "static",
                 "metric", "100")
    finally:
        rl.ours.proc.send_signal(signal.SIGCONT)
    wait_for(lambda: "ENOBUFS" in rl.ours.proc.log(), 10.0,
             message="the watcher reports lost notifications")
    wait_json(rl, "primary", 10.0, routes_undone=1)


# --------------------------------------------------------------------------
# 8: the owner changed the route meanwhile


@pytest.mark.parametrize("how", ["changed", "put-back"])
def test_owner_change_is_left_alone(lab, edgebfdd_factory, how):
    """While the primary is Down and its single-path route withdrawn, the
    route's owner installs the prefix again: via the secondary (changed), or
    as it was, through the dead peer (put back, what zebra does). After Up +
    hold-down edgebfdd leaves the owner's version alone, and counts it."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.start()
    P1, P2 = rl.P(0), rl.P(1)
    rl.ce.ip("route", "add", PFX, "via", P1, "dev", "eth1", "proto", "static", "metric", "100")
    original = rl.table(only={PFX})
    rl.links[0].cut()
    wait_for(lambda: PFX not in rl.table(only={PFX}), 3.0, message="route withdrawn")
    wait_json(rl, "primary", 1.0, route_action="withdrawn", routes_affected=1)

    gw, dev = (P2, "eth2") if how == "changed" else (P1, "eth1")
    rl.ce.ip("route", "add", PFX, "via", gw, "dev", dev, "proto", "static", "metric", "100")
    owners = {PFX: [(100, "static", None, "unicast", ((gw, dev, 1),))]}
    assert rl.table(only={PFX}) == owners
    if how == "put-back":
        assert owners == original
        # spec and README agree: a route put back through the dead peer
        # while Down counts in routes_undone
        wait_json(rl, "primary", 1.0, routes_undone=1)

    rl.links[0].restore()
    t_up = up_time(rl.ours.wait_state("primary", "up", UP_S))
    assert_stays(lambda: rl.table(only={PFX}), lambda t: t == owners, t_up + HOLD_S + 1.0,
                 "the owner's route stays as the owner left it")
    s = wait_json(rl, "primary", 1.0, route_action="none", routes_affected=0)
    assert s["route_errors"] == 0, s
    if how == "changed":
        # routes-spec: routes_undone counts routes the owner "put back/changed
        # while the session was Down"; the daemon's README counts a changed
        # one in routes_left_to_owner instead. Either shows it was counted.
        assert s["routes_undone"] + s.get("routes_left_to_owner", 0) >= 1, s
    assert not os.path.exists(rl.ours.state_file("primary"))
    assert rl.ours.routes("primary")["routes"] == []


def test_owner_withdraw_during_outage_is_not_undone(lab, edgebfdd_factory):
    """While the primary is Down, the owner of ECMP routes drops the dead
    path itself (what zebra does once bgpd withdraws it): it deletes each
    route and adds it again on the secondary, ending with exactly what
    edgebfdd had installed. The kernel state then matches edgebfdd's
    record, but the route is the owner's now: after Up + hold-down it must
    stay on the secondary, not get the withdrawn path back. (An owner's
    write identical to the route in place would be invisible: the kernel
    reports no change.)"""
    rl = RouteLab(lab, edgebfdd_factory)
    prefixes, _, secondary_only = start_with_ecmp(rl)
    only = set(prefixes)
    P2 = rl.P(1)
    rl.links[0].cut()
    wait_for(secondary_only, 3.0, message="routes repaired")
    owners = rl.table(only=only)
    rl.ce.ip_batch(f"route del {p} proto bgp" for p in prefixes)
    rl.ce.ip_batch(f"route add {p} proto bgp via {P2} dev eth2" for p in prefixes)
    assert rl.table(only=only) == owners  # the same routes, now written by their owner
    rl.links[0].restore()
    t_up = up_time(rl.ours.wait_state("primary", "up", UP_S))
    assert_stays(lambda: rl.table(only=only), lambda t: t == owners, t_up + HOLD_S + 1.0,
                 "the owner's single-path routes stay after hold-down")
    s = wait_json(rl, "primary", 1.0, route_action="none", routes_affected=0)
    assert s["routes_left_to_owner"] >= len(prefixes), s
    assert s["route_errors"] == 0, s


def test_owner_delete_of_demoted_route_is_not_undone(lab, edgebfdd_factory):
    """demote: the original goes, a copy at metric + 5000 stays. The owner
    puts the original back (zebra does) and later withdraws it for good
    (bgpd lost the path). After Up + hold-down neither the original comes
    back nor is edgebfdd's stale copy left behind."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.start(primary={"on_down": "demote", "demote_metric": 5000})
    P1 = rl.P(0)
    rl.ce.ip("route", "add", PFX, "via", P1, "dev", "eth1", "proto", "static", "metric", "100")
    demoted = [(5100, "static", None, "unicast", ((P1, "eth1", 1),))]
    rl.links[0].cut()
    wait_for(lambda: rl.table(only={PFX}).get(PFX) == demoted, 3.0, message="route demoted")
    rl.ce.ip("route", "add", PFX, "via", P1, "dev", "eth1", "proto", "static", "metric", "100")
    wait_json(rl, "primary", 1.0, routes_undone=1)
    rl.ce.ip("route", "del", PFX, "via", P1, "dev", "eth1", "proto", "static", "metric", "100")
    assert rl.table(only={PFX}).get(PFX) == demoted
    rl.links[0].restore()
    t_up = up_time(rl.ours.wait_state("primary", "up", UP_S))
    poll_until(lambda: rl.table(only={PFX}), lambda t: PFX not in t,
               t_up + HOLD_S + 1.5 - time.time(), "the stale demoted copy removed")
    assert_stays(lambda: rl.table(only={PFX}), lambda t: PFX not in t, time.time() + 0.5,
                 "the owner's withdrawal stands")
    check_clean(rl)


def test_down_again_after_owner_put_dead_peer_back(lab, edgebfdd_factory):
    """Down, Up (hold-down running), the owner puts the primary's path back
    into the ECMP routes (zebra after BGP came back), and the primary fails
    again before the hold-down ends: the routes must be repaired again, and
    restored to the owner's ECMP routes once the primary is back for good."""
    rl = RouteLab(lab, edgebfdd_factory)
    prefixes, before, secondary_only = start_with_ecmp(rl)
    only = set(prefixes)
    add = ecmp_lines(prefixes, rl.P(0), rl.P(1), verb="replace")

    rl.links[0].cut()
    wait_for(secondary_only, 3.0, message="routes repaired")
    rl.links[0].restore()
    rl.ours.wait_state("primary", "up", UP_S)
    rl.ce.ip_batch(add)  # the owner, during the hold-down
    assert rl.table(only=only) == before
    rl.links[0].cut()
    t_cut = time.time()
    first, _ = poll_until(secondary_only, bool, 3.0, "repaired again after the second Down")
    print(f"second Down: repaired {first.t_e - t_cut:.3f}s after the cut")
    restore_after_hold_down(rl, lambda: rl.table(only=only) == before, secondary_only,
                            "after the second Down")
    check_clean(rl)


def test_unreadable_state_file_is_set_aside(lab, edgebfdd_factory):
    """A state file edgebfdd cannot read is reported and moved aside, never
    overwritten by the session's next state file."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.configure()
    path = rl.ours.state_file("primary")
    with open(path, "w") as f:
        f.write("edgebfd-routes 1\nnot a session line\n")
    rl.start()
    wait_for(lambda: "cannot read this route state file" in rl.ours.proc.log(), 2.0,
             message="the unreadable state file reported")
    assert not os.path.exists(path)
    with open(path + ".unreadable") as f:
        assert "not a session line" in f.read()


def test_both_links_down_then_back_one_by_one(lab, edgebfdd_factory):
    """ECMP routes over both links; the primary fails (routes on the
    secondary), then the secondary too (routes withdrawn). The primary
    comes back first: after its hold-down the routes return through the
    primary only, not as the secondary's changes left them; then the
    secondary comes back and the original ECMP routes return."""
    rl = RouteLab(lab, edgebfdd_factory)
    prefixes, before, secondary_only = start_with_ecmp(rl)
    only = set(prefixes)
    primary_only = only_via(rl, prefixes, rl.P(0), "eth1")

    rl.links[0].cut()
    wait_for(secondary_only, 3.0, message="routes on the secondary")
    rl.links[1].cut()
    wait_for(lambda: not rl.table(only=only), 3.0, message="routes withdrawn")
    restore_after_hold_down(rl, primary_only, lambda: not rl.table(only=only),
                            "primary back first: routes through it")
    s = rl.session("secondary")
    assert s["route_action"] == "withdrawn" and s["routes_affected"] == len(prefixes), s
    restore_after_hold_down(rl, lambda: rl.table(only=only) == before, primary_only,
                            "secondary back: ECMP again", name="secondary",
                            restore_link=rl.links[1].restore)
    check_clean(rl)
    check_clean(rl, "secondary")


# --------------------------------------------------------------------------
# plans made ahead (route_planner.h): used only while nothing has changed


def repaired_lines(rl, name="primary"):
    return re.findall(rf"session {name}: routes repaired [^\n]*", rl.ours.proc.log())


def test_plan_follows_changes_and_is_used(lab, edgebfdd_factory):
    """While the routes are quiet the action is decided ahead: the plan
    covers the routes added since, and at the Down it is what is sent."""
    rl = RouteLab(lab, edgebfdd_factory)
    prefixes, _, secondary_only = start_with_ecmp(rl, n=100)
    wait_json(rl, "primary", 3.0, route_plan="ready", route_plan_routes=100)
    wait_json(rl, "secondary", 1.0, route_plan="ready", route_plan_routes=100)
    more = [v4_prefix(i) for i in range(100, 120)]
    rl.ce.ip_batch(ecmp_lines(more, rl.P(0), rl.P(1)))
    prefixes += more
    wait_json(rl, "primary", 3.0, route_plan="ready", route_plan_routes=120)
    secondary_only = only_via(rl, prefixes, rl.P(1), "eth2")

    rl.links[0].cut()
    wait_for(secondary_only, 3.0, message="all 120 prefixes on the secondary only")
    s = wait_json(rl, "primary", 1.0, route_action="withdrawn", routes_affected=120)
    assert s["route_errors"] == 0 and s["route_plan"] == "none", s
    lines = repaired_lines(rl)
    assert len(lines) == 1 and "as planned ahead: 120 routes" in lines[0], lines


def test_plan_stale_after_change_is_not_used(lab, edgebfdd_factory):
    """Routes through the primary added in the Detection Time, after the
    plan was made: the plan is stale at the Down (the routes were not quiet
    for long enough to make another), so the routes are read again and the
    new ones are repaired too."""
    rl = RouteLab(lab, edgebfdd_factory)
    prefixes, _, _ = start_with_ecmp(rl, n=50)
    wait_json(rl, "primary", 3.0, route_plan="ready", route_plan_routes=50)
    # Down comes 200-300 ms after the cut (the last packet came 0-100 ms
    # before it, Detection Time 300 ms): the additions end 160 ms after
    # the cut, and a new plan needs 250 ms of quiet.
    t_cut = time.monotonic()
    rl.links[0].cut()
    for k in range(5):
        batch = [v4_prefix(i) for i in range(50 + 10 * k, 60 + 10 * k)]
        rl.ce.ip_batch(ecmp_lines(batch, rl.P(0), rl.P(1)))
        prefixes += batch
        if k < 4:
            time.sleep(max(0.0, t_cut + 0.04 * (k + 1) - time.monotonic()))
    assert time.monotonic() - t_cut < 0.2, "the additions took too long: test invalid"
    wait_for(only_via(rl, prefixes, rl.P(1), "eth2"), 3.0,
             message="all 100 prefixes on the secondary only")
    s = wait_json(rl, "primary", 1.0, route_action="withdrawn", routes_affected=100)
    assert s["route_errors"] == 0, s
    lines = repaired_lines(rl)
    assert len(lines) == 1 and "after down: 100 routes" in lines[0], lines


def test_both_links_cut_at_once(lab, edgebfdd_factory):
    """Both links fail together with a plan ready for each: the second
    action must not use its plan, made before the first one changed the
    routes (it would put the routes on the other dead peer). Every route
    is withdrawn; both links back: ECMP again."""
    rl = RouteLab(lab, edgebfdd_factory)
    prefixes, before, _ = start_with_ecmp(rl, n=50)
    only = set(prefixes)
    for name in RouteLab.SESSIONS:
        wait_json(rl, name, 3.0, route_plan="ready", route_plan_routes=50)
    rl.links[0].cut()
    rl.links[1].cut()
    wait_for(lambda: not rl.table(only=only), 3.0,
             message=lambda: f"every prefix withdrawn (now {list(rl.table(only=only).items())[:2]})")
    for name in RouteLab.SESSIONS:
        wait_json(rl, name, 1.0, state="down", route_action="withdrawn", routes_affected=50)
    lines = repaired_lines(rl) + repaired_lines(rl, "secondary")
    assert len(lines) == 2 and sum("as planned ahead" in x for x in lines) <= 1, lines
    rl.links[0].restore()
    rl.links[1].restore()
    wait_for(lambda: rl.table(only=only) == before, UP_S + HOLD_S + 3.0,
             message=lambda: f"ECMP back (now {list(rl.table(only=only).items())[:2]})")
    check_clean(rl)
    check_clean(rl, "secondary")


# --------------------------------------------------------------------------
# 9: a flap during hold-down


def test_flap_restarts_hold_down(lab, edgebfdd_factory):
    """Up, then Down again 1 s into the 2 s hold-down, then Up: the routes
    come back hold-down after the LAST Up."""
    rl = RouteLab(lab, edgebfdd_factory)
    prefixes, before, withdrawn = start_with_ecmp(rl)
    only = set(prefixes)

    rl.links[0].cut()
    wait_for(withdrawn, 3.0, message="routes withdrawn")
    rl.links[0].restore()
    t_up1 = up_time(rl.ours.wait_state("primary", "up", UP_S))
    assert_stays(withdrawn, bool, t_up1 + 1.0, "first hold-down")
    rl.links[0].cut()
    t_down = up_time(rl.ours.wait_state("primary", "down", 2.0))
    assert withdrawn()
    wait_json(rl, "primary", 0.5, route_action="withdrawn")
    rl.links[0].restore()
    t_up2 = up_time(rl.ours.wait_state("primary", "up", UP_S))
    assert t_up2 > t_up1 + 1.0
    print(f"flap: Up, Down again {t_down - t_up1:.3f}s later, Up again "
          f"{t_up2 - t_up1:.3f}s after the first Up")
    # withdrawn through both the first Up's deadline and the second's
    assert_stays(withdrawn, bool, t_up2 + HOLD_S - TOL_S,
                 "still withdrawn until hold-down after the last Up")
    first, _ = poll_until(lambda: rl.table(only=only), lambda t: t == before,
                          t_up2 + HOLD_S + 1.5 - time.time(), "restored after the last Up")
    print(f"flap: restored by +{first.t_e - t_up2:.3f}s after the last Up "
          f"(+{first.t_e - t_up1:.3f}s after the first)")
    check_clean(rl)


# --------------------------------------------------------------------------
# 10: which routes count


@pytest.mark.parametrize("scope", ["filtered", "wide"])
def test_route_selection(lab, edgebfdd_factory, scope):
    """filtered: route-prefixes 10.100.0.0/16, protocols bgp static, table
    main: only those change (a gateway-less route out of eth1 counts too).
    wide: protocols any, tables main and 100, prefixes also 192.0.2.0/24:
    the connected route 192.0.2.0/24 dev eth1 is still never touched."""
    rl = RouteLab(lab, edgebfdd_factory)
    if scope == "filtered":
        keys = {"route_prefixes": "10.100.0.0/16"}
    else:
        keys = {"route_prefixes": "10.100.0.0/16 192.0.2.0/24", "route_protocols": "any",
                "route_tables": "main 100"}
    rl.start(primary=keys)
    P1, P2 = rl.P(0), rl.P(1)
    cases = {
        # prefix: (ip route arguments, table, changes when filtered, when wide)
        "10.100.1.0/24": (f"via {P1} dev eth1 proto bgp", "main", True, True),
        "10.100.2.0/24": (f"proto static nexthop via {P1} dev eth1 nexthop via {P2} dev eth2",
                          "main", True, True),
        "10.100.7.0/24": ("dev eth1 proto static", "main", True, True),
        "10.150.0.0/24": (f"via {P1} dev eth1 proto bgp", "main", False, False),
        "10.150.1.0/24": (f"proto bgp nexthop via {P1} dev eth1 nexthop via {P2} dev eth2",
                          "main", False, False),
        "10.100.5.0/24": (f"via {P1} dev eth1 proto ospf", "main", False, True),
        "10.100.8.0/24": (f"via {P1} dev eth1", "main", False, True),  # proto boot
        "10.100.6.0/24": (f"via {P1} dev eth1 proto bgp", "100", False, True),
        "10.100.9.0/24": (f"via {P1} dev eth1 proto bgp", "101", False, False),
    }
    rl.ce.ip_batch(f"route add {p} table {t} {args}" for p, (args, t, *_) in cases.items())
    tables = ("main", "100", "101")

    def snapshot():
        # IPv6 too: no IPv6 route is inside route-prefixes, so even the
        # connected 2001:db8:1::/64 dev eth1 (an IPv4 session's interface,
        # not covering its IPv4 peer) is never touched.
        out = {}
        for t in tables:
            for dst, v in rl.table(table=t).items():
                out[(t, dst)] = v
        for dst, v in rl.table(family=6).items():
            out[("main", dst)] = v
        return out
    before = snapshot()
    assert ("main", "192.0.2.0/24") in before and ("main", "2001:db8:1::/64") in before
    changing = {(t, p) for p, (_, t, f, w) in cases.items() if (f if scope == "filtered" else w)}
    untouched = {k: v for k, v in before.items() if k not in changing}

    def acted(now):
        return all(k not in now or hops_of(now[k]) == [((P2, "eth2", 1),)] for k in changing) \
            and {k: v for k, v in now.items() if k not in changing} == untouched
    rl.links[0].cut()
    wait_for(lambda: acted(snapshot()), 3.0,
             message=lambda: f"only {sorted(changing)} changed (now {snapshot()})")
    # and nothing else changes afterwards either
    assert_stays(snapshot, acted, time.time() + 0.3, "untouched routes stay")
    now = snapshot()
    assert ("main", "10.100.2.0/24") in now  # the ECMP one lost a path, not the route
    wait_json(rl, "primary", 1.0, route_action="withdrawn", routes_affected=len(changing))
    listed = rl.ours.routes("primary")["routes"]
    assert {r["prefix"] for r in listed} == {p for _, p in changing}, listed
    restore_after_hold_down(rl, restored=lambda: snapshot() == before,
                            withdrawn=lambda: acted(snapshot()), what=f"selection {scope}")
    check_clean(rl)


def test_on_down_none(lab, edgebfdd_factory):
    """on-down = none: the primary goes Down and nothing changes."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.start(primary={"on_down": "none"})
    P1, P2 = rl.P(0), rl.P(1)
    rl.ce.ip_batch([f"route add {v4_prefix(0)} proto bgp nexthop via {P1} dev eth1 "
                    f"nexthop via {P2} dev eth2",
                    f"route add {PFX} via {P1} dev eth1 proto static metric 100"])
    before = rl.table()
    rl.links[0].cut()
    rl.ours.wait_state("primary", "down", 2.0)
    assert_stays(lambda: (rl.table(), rl.session()),
                 lambda v: v[0] == before and v[1]["route_action"] == "none"
                 and v[1]["routes_affected"] == 0,
                 time.time() + 1.0, "on-down none: routes untouched")
    assert not os.path.exists(rl.ours.state_file("primary"))


def test_never_up_does_nothing(lab, edgebfdd_factory):
    """A session that never came Up takes no action: the primary's link is
    cut before edgebfdd starts; its routes stay while it is Down and when it
    comes Up for the first time."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.configure()
    P1, P2 = rl.P(0), rl.P(1)
    rl.ce.ip_batch([f"route add {v4_prefix(0)} proto bgp nexthop via {P1} dev eth1 "
                    f"nexthop via {P2} dev eth2",
                    f"route add {PFX} via {P1} dev eth1 proto static metric 100"])
    before = rl.table()
    rl.links[0].cut()
    rl.start(up=("secondary",))
    assert rl.session()["state"] != "up"
    assert_stays(lambda: (rl.table(), rl.session()),
                 lambda v: v[0] == before and v[1]["route_action"] == "none",
                 time.time() + 1.0, "never Up: routes untouched")
    rl.links[0].restore()
    rl.wait_settled("primary")
    assert_stays(lambda: (rl.table(), rl.session()),
                 lambda v: v[0] == before and v[1]["route_action"] == "none",
                 time.time() + 0.5, "first Up: nothing to restore")


# --------------------------------------------------------------------------
# 11: edgebfdctl routes


def test_ctl_routes(lab, edgebfdd_factory):
    """`edgebfdctl routes NAME` (table) and `--json routes NAME` list what a
    session has withdrawn, with the fields of the contract; an unknown NAME
    fails with status 1 and a message."""
    rl = RouteLab(lab, edgebfdd_factory)
    rl.start()
    P1, P2 = rl.P(0), rl.P(1)
    rl.ce.ip_batch([f"route add 10.100.0.0/24 proto bgp metric 20 nexthop via {P1} dev eth1 "
                    f"nexthop via {P2} dev eth2",
                    f"route add {PFX} via {P1} dev eth1 proto static metric 100"])
    empty = rl.ours.routes("primary")
    assert (empty["session"], empty["route_action"], empty["routes"]) == ("primary", "none", []), \
        empty
    rl.links[0].cut()
    wait_json(rl, "primary", 3.0, route_action="withdrawn", routes_affected=2)

    got = rl.ours.routes("primary")
    assert got["session"] == "primary" and got["route_action"] == "withdrawn", got
    rows = sorted(got["routes"], key=lambda r: r["prefix"])
    for r in rows:
        assert {"prefix", "table", "protocol", "metric", "change"} <= set(r), r
        assert "nexthop_group" not in r, r  # only for group-shrunk
    assert [(r["prefix"], r["table"], r["protocol"], r["metric"], r["change"]) for r in rows] == [
        ("10.100.0.0/24", 254, "bgp", 20, "nexthop-removed"),
        (PFX, 254, "static", 100, "deleted"),
    ], rows
    other = rl.ours.routes("secondary")
    assert (other["session"], other["route_action"], other["routes"]) == \
        ("secondary", "none", []), other

    text = rl.ours.ctl("routes", "primary")
    for word in ("10.100.0.0/24", PFX, "nexthop-removed", "deleted"):
        assert word in text, text
    for args in (("routes", "nosuch"), ("--json", "routes", "nosuch")):
        cp = rl.ours.ctl_result(*args)
        assert cp.returncode == 1, (args, cp.returncode, cp.stdout, cp.stderr)
        assert cp.stderr.strip(), (args, cp.stdout, cp.stderr)


# --------------------------------------------------------------------------
# 12: configuration errors


def _conf(tmpdir, key=None, value=None):
    lines = ["[daemon]", f"control-socket = {tmpdir}/control.sock",
             f"state-directory = {tmpdir}/state", "",
             "[defaults]", "hold-down = 2s", "",
             "[session primary]", "interface = eth1", "local-address = 192.0.2.1",
             "peer-address = 192.0.2.2", "on-down = demote", "route-tables = main 100",
             "route-protocols = bgp static 42", "route-prefixes = 10.0.0.0/8 2001:db8::/32",
             "demote-metric = 5000", "on-peer-admin-down = act"]
    line_no = None
    if key is not None:
        lines = [ln for ln in lines if not ln.startswith(f"{key} =")]
        lines.append(f"{key} = {value}")
        line_no = len(lines)
    path = os.path.join(tmpdir, "edgebfd.conf")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path, line_no


def _edgebfdd():
    exe = os.environ.get("EDGEBFDD")
    if not exe:
        pytest.fail("EDGEBFDD is not set", pytrace=False)
    return exe


def test_check_config_route_keys_valid(tmp_path):
    path, _ = _conf(str(tmp_path))
    cp = nslab.run([_edgebfdd(), "--check-config", "-c", path], check=False)
    assert cp.returncode == 0, cp.stdout + cp.stderr


@pytest.mark.parametrize("key,value", [
    ("route-tables", "nosuch"),
    ("route-protocols", "nosuch"),
    ("on-down", "sideways"),
    ("hold-down", "10"),
    ("on-peer-admin-down", "sometimes"),
])
def test_check_config_route_key_errors(tmp_path, key, value):
    path, line = _conf(str(tmp_path), key, value)
    cp = nslab.run([_edgebfdd(), "--check-config", "-c", path], check=False)
    out = cp.stdout + cp.stderr
    assert cp.returncode == 1, out
    assert f"{path}:{line}: {key}:" in out, out
