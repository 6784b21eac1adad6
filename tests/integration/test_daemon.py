"""edgebfdd against edgebfdd: behaviour of the daemon itself that needs no
third-party peer. A VLAN subinterface, and reload (SIGHUP) as a transaction:
an invalid file changes nothing, a removed session tells its peer AdminDown
and goes, an added one comes Up, unchanged ones never leave Up.

Topology (nslab.Topology): ce:eth1 -- sw:br1 -- peer:eth1.
"""

import signal
import time

import pytest

from nslab import Capture, parse_ts, wait_for

UP_S = 3.0


def pair(topo, edgebfdd_factory, sessions):
    """Start edgebfdd on both sides with sessions [(name, ifname, ce_addr, peer_addr)]."""
    ours = edgebfdd_factory(topo.ce)
    theirs = edgebfdd_factory(topo.peer, name="peerbfdd")
    for name, ifname, ce_addr, peer_addr in sessions:
        ours.add_session(name, ifname, ce_addr, peer_addr)
        theirs.add_session(name, ifname, peer_addr, ce_addr)
    theirs.start()
    ours.start()
    for name, *_ in sessions:
        ours.wait_state(name, "up", UP_S)
        theirs.wait_state(name, "up", UP_S)
    return ours, theirs


def add_subinterface(ns):
    """eth1.100 stacked on eth1: an 802.1Q VLAN where the kernel has the 8021q
    module, else a macvlan of the same name (this project's CI kernel has no
    VLAN support). For edgebfdd both are the same case: a socket bound to a
    stacked device with its own ifindex, checked on ingress."""
    cp = ns.run(["ip", "link", "add", "link", "eth1", "name", "eth1.100", "type", "vlan",
                 "id", "100"], check=False)
    if cp.returncode != 0:
        assert "Unknown device type" in cp.stderr, cp.stderr
        ns.ip("link", "add", "link", "eth1", "name", "eth1.100", "type", "macvlan",
              "mode", "bridge")
        # Unlike a VLAN, a macvlan shares eth1's layer 2: answer ARP only on
        # the interface that has the address, or the peer's packets may come
        # in on eth1 (and be dropped, rightly, as wrong-interface).
        ns.run(["sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1"])
    ns.ip("link", "set", "eth1.100", "up")


def test_vlan_subinterface(topo, edgebfdd_factory):
    """RFC 5881 over a subinterface (eth1.100): the socket is bound to it and
    the ingress check accepts it."""
    for ns, a in ((topo.ce, "203.0.113.1"), (topo.peer, "203.0.113.2")):
        add_subinterface(ns)
        ns.add_addr("eth1.100", f"{a}/24")
        ns.wait_addrs_ready("eth1.100")
    ours, _ = pair(topo, edgebfdd_factory,
                   [("vlan100", "eth1.100", "203.0.113.1", "203.0.113.2")])
    s = ours.session("vlan100")
    assert s["interface"] == "eth1.100"
    assert all(v == 0 for v in s["drops"].values()), s["drops"]
    # Cutting the underlying link takes the VLAN session down too.
    topo.link1.cut()
    ours.wait_state("vlan100", "down", 2.0, local_diag="control-detection-time-expired")
    topo.link1.restore()
    port = ours.wait_state("vlan100", "up", UP_S)["source_port"]

    # Deleted and re-created (a new ifindex): the session follows it and
    # keeps its source port (RFC 5881 section 4: the same for its life).
    topo.ce.ip("link", "del", "eth1.100")
    ours.wait_state("vlan100", "down", 1.0, local_diag="path-down")
    add_subinterface(topo.ce)
    topo.ce.add_addr("eth1.100", "203.0.113.1/24")
    topo.ce.wait_addrs_ready("eth1.100")
    s = ours.wait_state("vlan100", "up", 5.0)
    assert s["source_port"] == port, (s["source_port"], port)
    assert all(v == 0 for v in s["drops"].values()), s["drops"]


def test_reload_is_a_transaction(topo, edgebfdd_factory):
    a4 = (topo.addr("ce", 4), topo.addr("peer", 4))
    a6 = (topo.addr("ce", 6), topo.addr("peer", 6))
    ours, theirs = pair(topo, edgebfdd_factory,
                        [("keep", "eth1", *a4), ("drop", "eth1", *a6)])
    kept_since = ours.session("keep")["last_state_change"]

    # 1. An invalid file: logged with file, line and key; nothing changes.
    with open(ours.conf, "a") as f:
        f.write("\n[session broken]\ninterface = eth1\ntransmit-interval = 5\n")
    ours.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "stays in force" in ours.proc.log(), 3.0,
             message="edgebfdd logs that the running configuration stays")
    log = ours.proc.log()
    assert "transmit-interval: 5 is not a duration (did you mean 5ms?)" in log, log
    assert ours.proc.alive()
    assert sorted(s["name"] for s in ours.sessions()) == ["drop", "keep"]
    assert all(s["state"] == "up" for s in ours.sessions())

    # 2. A valid file without "drop" and with a new "added": the peer sees
    #    "drop" go AdminDown (maintenance), "keep" never leaves Up.
    del ours.sessions_cfg["drop"]
    ours.add_session("added", "eth2", topo.addr("ce", 4, 1), topo.addr("peer", 4, 1))
    theirs.add_session("added", "eth2", topo.addr("peer", 4, 1), topo.addr("ce", 4, 1))
    theirs.reload()
    ours.reload()
    gone = theirs.wait_state("drop", "down", 2.0, peer_admin_down=True)
    assert gone["remote_state"] == "admin-down", gone
    wait_for(lambda: sorted(s["name"] for s in ours.sessions()) == ["added", "keep"], 2.0,
             message="the removed session is gone from edgebfdctl")
    ours.wait_state("added", "up", UP_S)
    keep = ours.session("keep")
    assert keep["state"] == "up" and keep["last_state_change"] == kept_since, keep


def test_second_daemon_refuses_the_port(topo, edgebfdd_factory):
    """A second BFD daemon on the same host must fail loudly, not share port
    3784 and take some of the first one's packets (no SO_REUSEADDR)."""
    first = edgebfdd_factory(topo.ce)
    first.add_session("a", "eth1", topo.addr("ce", 4), topo.addr("peer", 4))
    first.start()
    second = edgebfdd_factory(topo.ce, name="second")
    second.add_session("b", "eth2", topo.addr("ce", 4, 1), topo.addr("peer", 4, 1))
    second.expected_rc = 1
    with pytest.raises(Exception, match="edgebfdd exited 1"):
        second.start()
    assert "port 3784 is taken" in second.proc.log(), second.proc.log()
    assert first.proc.alive() and len(first.sessions()) == 1


@pytest.mark.parametrize("fam", [4, 6], ids=["ipv4", "ipv6"])
def test_packets_on_the_wire(topo, edgebfdd_factory, fam):
    """RFC 5881: to port 3784, from one source port in 49152-65535 for the
    session's life (section 4), TTL / hop limit 255 (section 5); and DSCP
    CS6 like other routing protocols. Read by a plain socket on the peer."""
    cap = Capture(topo.lab, topo.peer, fam)
    ours = edgebfdd_factory(topo.ce)
    ours.add_session("a", "eth1", topo.addr("ce", fam), topo.addr("peer", fam))
    ours.start()
    got = cap.wait_packets(3, timeout=4.0)
    assert {g["ttl"] for g in got} == {255}, got
    assert {g["tos"] for g in got} == {0xc0}, got
    assert {g["ifname"] for g in got} == {"eth1"}, got
    assert {g["src"] for g in got} == {topo.addr("ce", fam)}, got
    ports = {g["sport"] for g in got}
    assert len(ports) == 1 and 49152 <= ports.pop() <= 65535, got
    assert ours.session("a")["source_port"] == got[0]["sport"]


@pytest.mark.parametrize("where", ["ce-admin-down", "peer-side-carrier-loss"])
def test_link_down_is_path_down_at_once(topo, edgebfdd_factory, where):
    """RTM_NEWLINK: our interface set down, or its carrier lost (the veth's
    far end goes down), takes the session Down at once with diag 5, Path
    Down, not after the 3 s Detection Time used here; it comes back Up with
    the link."""
    ours = edgebfdd_factory(topo.ce)
    theirs = edgebfdd_factory(topo.peer, name="peerbfdd")
    for d in (ours, theirs):
        d.set_defaults(transmit=1000, receive=1000, multiplier=3)
    ours.add_session("a", "eth1", topo.addr("ce", 4), topo.addr("peer", 4))
    theirs.add_session("a", "eth1", topo.addr("peer", 4), topo.addr("ce", 4))
    theirs.start()
    ours.start()
    ours.wait_state("a", "up", UP_S)
    theirs.wait_state("a", "up", UP_S)

    # The veth end in the switch namespace carries eth1's carrier.
    ns, ifname = (topo.ce, "eth1") if where == "ce-admin-down" else (topo.sw, topo.link1.ports[0])
    t0 = time.time()
    ns.ip("link", "set", ifname, "down")
    s = ours.wait_state("a", "down", 1.0, local_diag="path-down")
    reaction_ms = (parse_ts(s["last_state_change"]).timestamp() - t0) * 1000
    assert reaction_ms < 200, f"Path Down {reaction_ms:.0f} ms after the link went down"
    assert not s["peer_admin_down"], s

    ns.ip("link", "set", ifname, "up")
    ours.wait_state("a", "up", 5.0)
