"""Interop tests of edgebfdd (CE namespace) against edgebfdd, FRR bfdd and BIRD
(peer namespace), over IPv4 and IPv6, through the switch namespace.

Topology (nslab.Topology):
    ce:eth1 -- sw:br1 -- peer:eth1   primary session
    ce:eth2 -- sw:br2 -- peer:eth2   second link (wrong-interface test)
"""

import threading
import time

import pytest

from nslab import (FrrInstance, Topology, bfd_packet, parse_ts, send_in_ns,
                   simple_password_auth, wait_for)

FAMILIES = pytest.mark.parametrize("fam", [4, 6], ids=["ipv4", "ipv6"])
ALL_PEERS = pytest.mark.parametrize("kind", ["edgebfdd", "frr", "bird"])

UP_WITHIN_S = 3.0
SESSION = "primary"


class Peer:
    """The far end, whatever implementation, with a uniform face: its state
    and its negotiated intervals as shown by its OWN status output."""

    def __init__(self, kind, topo, fam, frr_factory, bird_factory, edgebfdd_factory):
        self.kind, self.topo, self.fam = kind, topo, fam
        self.ce_addr = topo.addr("ce", fam)
        self.addr = topo.addr("peer", fam)
        self._factories = (frr_factory, bird_factory, edgebfdd_factory)
        self.impl = None

    def start(self, interval_ms=300, multiplier=3, auth=None, key_id=1, secret=None):
        frr_factory, bird_factory, edgebfdd_factory = self._factories
        if self.kind == "frr":
            assert auth is None, "FRR 8.4 bfdd has no BFD authentication"
            self.impl = frr_factory(self.topo.peer)
            self.impl.wait_interface("eth1")
            self.impl.configure_peer(self.ce_addr, interface="eth1", local=self.addr,
                                     transmit_ms=interval_ms, receive_ms=interval_ms,
                                     multiplier=multiplier)
        elif self.kind == "bird":
            self.impl = bird_factory(self.topo.peer)
            self.impl.set_interface("eth1", interval_ms=interval_ms, multiplier=multiplier,
                                    auth=auth, key_id=key_id, secret=secret)
            self.impl.add_neighbor(self.ce_addr, dev="eth1", local=self.addr)
            self.impl.start()
        elif self.kind == "edgebfdd":
            self.impl = edgebfdd_factory(self.topo.peer, name="peerbfdd")
            self.impl.set_defaults(transmit=interval_ms, receive=interval_ms,
                                   multiplier=multiplier)
            self.impl.add_session(SESSION, "eth1", self.addr, self.ce_addr, auth_type=auth,
                                  auth_key_id=key_id if auth else None, auth_secret=secret)
            self.impl.start()
        else:
            raise ValueError(self.kind)
        return self

    def status(self):
        if self.kind == "frr":
            return self.impl.peer(self.ce_addr)
        if self.kind == "bird":
            return self.impl.session(self.ce_addr)
        return self.impl.session(SESSION)

    def state(self):
        st = self.status()
        if st is None:
            return None
        if self.kind == "frr":
            return st["status"]          # "up", "down", "init", "shutdown"
        return st["state"]               # bird: lower-cased; edgebfdd: contract names

    def is_up(self):
        return self.state() == "up"

    def shows_interval(self, ms):
        """True when the peer's own output shows both directions at ms."""
        st = self.status()
        if st is None:
            return False
        if self.kind == "frr":
            tx, rx, _ = FrrInstance.negotiated_ms(st)
            return tx == ms and rx == ms
        if self.kind == "bird":
            # BIRD 2.0.12 prints the negotiated TX interval and the Detection
            # Time (max(local req rx, remote des tx) * remote mult).
            return st["interval_ms"] == ms and st["timeout_ms"] == 3 * ms
        return st["tx_interval_us"] == ms * 1000 and st["rx_interval_us"] == ms * 1000

    def admin_down(self, down):
        if self.kind == "frr":
            self.impl.configure_peer(self.ce_addr, shutdown=down)
        elif self.kind == "edgebfdd":
            (self.impl.disable if down else self.impl.enable)(SESSION)
        else:
            raise NotImplementedError("BIRD has no per-session AdminDown")


@pytest.fixture
def peer_factory(topo, frr_factory, bird_factory, edgebfdd_factory):
    def make(kind, fam):
        return Peer(kind, topo, fam, frr_factory, bird_factory, edgebfdd_factory)
    return make


def start_ours(edgebfdd_factory, topo, fam, interval_ms=300, multiplier=3, **auth):
    ours = edgebfdd_factory(topo.ce)
    ours.set_defaults(transmit=interval_ms, receive=interval_ms, multiplier=multiplier)
    ours.add_session(SESSION, "eth1", topo.addr("ce", fam), topo.addr("peer", fam), **auth)
    return ours


def bring_up(ours, peer, timeout=UP_WITHIN_S):
    """Start ours (the peer is already running) and require Up on both sides
    within timeout of our start."""
    t0 = time.monotonic()
    ours.start()
    ours.wait_state(SESSION, "up", timeout - (time.monotonic() - t0))
    wait_for(peer.is_up, max(0.05, timeout - (time.monotonic() - t0)),
             message=lambda: f"{peer.kind} shows the session up (now {peer.status()})")
    return ours.session(SESSION)


# --------------------------------------------------------------------------


@ALL_PEERS
@pytest.mark.parametrize("fam", [4, 6, "ll"], ids=["ipv4", "ipv6", "ipv6-link-local"])
def test_up_within_3s(topo, peer_factory, edgebfdd_factory, kind, fam):
    peer = peer_factory(kind, fam).start()
    ours = start_ours(edgebfdd_factory, topo, fam)
    s = bring_up(ours, peer)
    assert s["remote_state"] == "up"
    assert s["local_diag"] == "none"
    assert s["local_discriminator"] != 0 and s["remote_discriminator"] != 0
    assert s["interface"] == "eth1"
    assert s["peer_address"] == topo.addr("peer", fam)
    assert s["packets_rx"] > 0 and s["packets_tx"] > 0
    assert all(v == 0 for v in s["drops"].values()), s["drops"]
    assert parse_ts(s["last_packet_rx"]) is not None


@ALL_PEERS
@FAMILIES
def test_negotiation_slower_peer_wins(topo, peer_factory, edgebfdd_factory, kind, fam):
    peer = peer_factory(kind, fam).start(interval_ms=300)
    ours = start_ours(edgebfdd_factory, topo, fam, interval_ms=100)
    bring_up(ours, peer)
    # Ours advertises 1 s until Up, then a Poll Sequence lowers it: wait.
    wait_for(lambda: peer.shows_interval(300), 3.0,
             message=lambda: f"{kind} shows 300 ms both ways (now {peer.status()})")
    if kind == "frr":
        st = peer.status()
        assert st["remote-transmit-interval"] == 100, st
        assert st["remote-receive-interval"] == 100, st
    s = wait_for(lambda: (lambda s: s if s["tx_interval_us"] == 300000
                          and s["rx_interval_us"] == 300000 else None)(ours.session(SESSION)),
                 3.0, message=lambda: f"ours at 300 ms ({ours.session(SESSION)})")
    assert s["detection_time_us"] == 900000
    assert s["remote_detect_multiplier"] == 3 and s["detect_multiplier"] == 3
    assert s["state"] == "up"


@ALL_PEERS
@FAMILIES
def test_silent_failure_detected_and_recovered(topo, peer_factory, edgebfdd_factory, kind, fam):
    peer = peer_factory(kind, fam).start(interval_ms=300)
    ours = start_ours(edgebfdd_factory, topo, fam, interval_ms=300)
    bring_up(ours, peer)
    s = wait_for(lambda: (lambda s: s if s["detection_time_us"] == 900000 else None)(
        ours.session(SESSION)), 3.0, message="detection time 900 ms")
    detect_us = s["detection_time_us"]

    topo.link1.cut()
    down = ours.wait_state(SESSION, "down", detect_us / 1e6 + 2.0,
                           local_diag="control-detection-time-expired")
    # carrier never dropped: this was a silent failure
    assert "LOWER_UP" in topo.ce.ip_json("link", "show", "dev", "eth1")[0]["flags"]
    assert down["peer_admin_down"] is False
    last_rx = parse_ts(down["last_packet_rx"])
    changed = parse_ts(down["last_state_change"])
    gap_us = (changed - last_rx).total_seconds() * 1e6
    assert abs(gap_us - detect_us) <= 50000, (
        f"Down {gap_us / 1000:.1f} ms after the last packet, expected "
        f"{detect_us / 1000:.1f} ms +- 50 ms ({down})")
    wait_for(lambda: peer.state() in ("down", "init"), 3.0,
             message=lambda: f"{kind} notices the cut too (now {peer.status()})")

    topo.link1.restore()
    ours.wait_state(SESSION, "up", 8.0)
    wait_for(peer.is_up, 8.0, message=f"{kind} up again after restore")


@ALL_PEERS
@FAMILIES
def test_sighup_timer_change_keeps_session_up(topo, peer_factory, edgebfdd_factory, kind, fam):
    peer = peer_factory(kind, fam).start(interval_ms=300)
    ours = start_ours(edgebfdd_factory, topo, fam, interval_ms=300)
    bring_up(ours, peer)
    wait_for(lambda: peer.shows_interval(300), 3.0, message="peer at 300 ms")
    before = ours.session(SESSION)
    assert before["state"] == "up"

    samples, errors, stop = [], [], threading.Event()

    def poll():
        while not stop.is_set():
            try:
                x = ours.session(SESSION)
                samples.append((x["state"], x["last_state_change"]))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            stop.wait(0.02)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        ours.update_session(SESSION, transmit_interval="600ms", receive_interval="600ms")
        ours.reload()
        wait_for(lambda: peer.shows_interval(600), 5.0,
                 message=lambda: f"{kind} shows 600 ms (now {peer.status()})")
        wait_for(lambda: (lambda s: s["tx_interval_us"] == 600000
                          and s["rx_interval_us"] == 600000)(ours.session(SESSION)), 3.0,
                 message=lambda: f"ours at 600 ms ({ours.session(SESSION)})")
        # keep watching for longer than one old Detection Time (900 ms):
        # 1.5 s and at least 20 samples (a sanitizer build samples slowly)
        n, t_change = len(samples), time.monotonic()
        wait_for(lambda: len(samples) >= n + 20 and time.monotonic() - t_change >= 1.5
                 and peer.is_up(), 10.0,
                 message=lambda: f"1.5 s and 20 more samples after the change "
                                 f"({len(samples) - n} in {time.monotonic() - t_change:.1f} s)")
    finally:
        stop.set()
        poller.join(5)
    assert not errors, errors
    assert ours.proc.alive(), "edgebfdd died on SIGHUP"
    bad = [x for x in samples if x != ("up", before["last_state_change"])]
    assert not bad, f"session left Up or changed state during reload: {bad[:5]}"
    after = ours.session(SESSION)
    assert after["state"] == "up"
    assert after["last_state_change"] == before["last_state_change"]
    assert after["detection_time_us"] == 1800000


@pytest.mark.parametrize("kind", ["edgebfdd", "frr"])
@FAMILIES
def test_peer_admin_down(topo, peer_factory, edgebfdd_factory, kind, fam):
    peer = peer_factory(kind, fam).start(interval_ms=300)
    ours = start_ours(edgebfdd_factory, topo, fam, interval_ms=300)
    bring_up(ours, peer)
    peer.admin_down(True)
    s = ours.wait_state(SESSION, "down", 3.0)
    assert s["local_diag"] == "neighbor-signaled-session-down", s
    assert s["peer_admin_down"] is True, s
    assert s["remote_state"] == "admin-down", s
    # RFC 5880 6.8.16: diag 7 SHOULD accompany AdminDown. edgebfdd sends it;
    # FRR 8.4's `shutdown` leaves its diag at 0 (bfd_set_shutdown never sets
    # it), so only our own daemon is held to it here.
    if kind == "edgebfdd":
        assert s["remote_diag"] == "administratively-down", s
    assert ours.proc.alive()
    peer.admin_down(False)
    ours.wait_state(SESSION, "up", 8.0)
    wait_for(peer.is_up, 8.0, message=f"{kind} up after no shutdown")


# --------------------------------------------------------------------------
# malformed input


def _bad_cases(L, R):
    """(name, packets, send options, expected per-session drop counter).
    L = our local discriminator, R = the peer's (remote) discriminator:
    every packet is otherwise a well-formed Up packet for the session."""
    up = dict(state=3, my_discr=R, your_discr=L, des_min_tx=300000, req_min_rx=300000)

    def pkt(**kw):
        return bfd_packet(**{**up, **kw})

    unknown = L ^ 0x5A5A5A5A or 0x12345678
    return [
        ("bad-version", pkt(version=2), {}, "bad-version"),
        ("length-too-short", pkt(length=20), {}, "length-too-short"),
        ("length-too-long", pkt(length=48), {}, "length-too-long"),
        ("detect-mult-zero", pkt(mult=0), {}, "detect-mult-zero"),
        ("multipoint", pkt(flags=0x01), {}, "multipoint"),
        ("my-discriminator-zero", pkt(my_discr=0), {}, "my-discriminator-zero"),
        ("your-discriminator-zero", pkt(your_discr=0), {}, "your-discriminator-zero"),
        ("a-bit-without-auth", pkt(auth=simple_password_auth(b"secret", 1)), {},
         "auth-mismatch"),
        ("ttl-254", pkt(), {"ttl": 254}, "ttl"),
        ("unknown-your-discriminator", pkt(your_discr=unknown), {}, "unknown-discriminator"),
        ("wrong-interface", pkt(), {"wrong_interface": True}, "wrong-interface"),
    ]


N_BAD = 3


@FAMILIES
def test_bad_input_dropped_session_stays_up(topo, peer_factory, edgebfdd_factory, fam):
    peer = peer_factory("frr", fam).start(interval_ms=300)
    ours = edgebfdd_factory(topo.ce)
    ours.add_session(SESSION, "eth1", topo.addr("ce", fam), topo.addr("peer", fam))
    # A session on the second link so the daemon listens there too; nobody
    # answers it, it stays Down.
    ours.add_session("secondary", "eth2", topo.addr("ce", fam, 1), topo.addr("peer", fam, 1))
    bring_up(ours, peer)
    s0 = ours.session(SESSION)
    L, R = s0["local_discriminator"], s0["remote_discriminator"]
    src = topo.addr("peer", fam)

    for name, packet, opts, counter in _bad_cases(L, R):
        before = ours.session(SESSION)["drops"]
        if opts.get("wrong_interface"):
            # the peer's eth1 address, out of the peer's eth2, to the CE's eth2:
            # arrives on the CE's eth2 with the primary peer's source address
            send_in_ns(topo.peer, src, topo.addr("ce", fam, 1), [packet] * N_BAD,
                       device="eth2")
        else:
            send_in_ns(topo.peer, src, topo.addr("ce", fam), [packet] * N_BAD,
                       ttl=opts.get("ttl", 255), device="eth1")
        after = wait_for(
            lambda: (lambda d: d if d[counter] >= before[counter] + N_BAD else None)(
                ours.session(SESSION)["drops"]),
            2.0, message=lambda: f"{name}: drops[{counter}] += {N_BAD} "
            f"(before {before}, now {ours.session(SESSION)['drops']})")
        assert after[counter] == before[counter] + N_BAD, (name, before, after)
        others = {k: (before[k], after[k]) for k in before
                  if k != counter and before[k] != after[k]}
        assert not others, f"{name}: other counters moved: {others}"
        s = ours.session(SESSION)
        assert s["state"] == "up", (name, s)
        assert s["last_state_change"] == s0["last_state_change"], (name, s)

    assert peer.is_up()
    s = ours.session(SESSION)
    assert s["remote_discriminator"] == R and s["local_discriminator"] == L


@FAMILIES
def test_unknown_peer_counted_globally(topo, peer_factory, edgebfdd_factory, fam):
    peer = peer_factory("frr", fam).start(interval_ms=300)
    ours = start_ours(edgebfdd_factory, topo, fam)
    bring_up(ours, peer)
    stranger = Topology.STRANGER[fam]
    topo.peer.add_addr("eth1", f"{stranger}/{32 if fam == 4 else 128}")
    g0 = ours.drops()
    d0 = ours.session(SESSION)["drops"]
    pkt = bfd_packet(state=1, my_discr=0x1234, your_discr=0)
    send_in_ns(topo.peer, stranger, topo.addr("ce", fam), [pkt] * N_BAD, device="eth1")
    g1 = wait_for(lambda: (lambda g: g if g["unknown-peer"] >= g0["unknown-peer"] + N_BAD
                           else None)(ours.drops()),
                  2.0, message=lambda: f"global unknown-peer += {N_BAD} (now {ours.drops()})")
    assert g1["unknown-peer"] == g0["unknown-peer"] + N_BAD
    assert set(g1) == set(d0), "global and session drops use the same reason names"
    assert ours.session(SESSION)["drops"] == d0
    assert ours.session(SESSION)["state"] == "up"


# --------------------------------------------------------------------------
# authentication (BIRD: FRR 8.4 bfdd has none)

AUTH_TYPES = ["keyed-sha1", "meticulous-keyed-md5", "meticulous-keyed-sha1", "keyed-md5",
              "simple-password"]


@pytest.mark.parametrize("auth", AUTH_TYPES)
def test_auth_interop_bird(topo, peer_factory, edgebfdd_factory, auth):
    fam = 4
    peer = peer_factory("bird", fam).start(interval_ms=300, auth=auth, key_id=5,
                                           secret="s3cret-bfd")
    ours = start_ours(edgebfdd_factory, topo, fam, auth_type=auth, auth_key_id=5,
                      auth_secret="s3cret-bfd")
    bring_up(ours, peer)
    # a few more packets each way, still no authentication drop
    n = ours.session(SESSION)["packets_rx"]
    s = wait_for(lambda: (lambda s: s if s["packets_rx"] >= n + 5 else None)(
        ours.session(SESSION)), 3.0, message="5 more authenticated packets")
    assert s["state"] == "up"
    auth_drops = {k: v for k, v in s["drops"].items() if k.startswith("auth-") and v}
    assert not auth_drops, auth_drops


def test_auth_wrong_secret_stays_down(topo, peer_factory, edgebfdd_factory):
    fam = 4
    peer = peer_factory("bird", fam).start(interval_ms=300, auth="keyed-sha1", key_id=5,
                                           secret="right-secret")
    ours = start_ours(edgebfdd_factory, topo, fam, auth_type="keyed-sha1", auth_key_id=5,
                      auth_secret="wrong-secret")
    ours.start()
    # BIRD sends at its idle rate (1 s) while Down: wait for 2 rejected packets
    wait_for(lambda: ours.session(SESSION)["drops"]["auth-digest"] >= 2, 5.0,
             message=lambda: f"auth-digest drops (now {ours.session(SESSION)['drops']})")
    # and over a bounded window (longer than a Detection Time) never Up
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        s = ours.session(SESSION)
        assert s["state"] != "up", s
        assert not peer.is_up(), peer.status()
        time.sleep(0.05)
    s = ours.session(SESSION)
    assert s["state"] == "down"
    assert s["remote_discriminator"] in (0, None), s


# --------------------------------------------------------------------------
# lifecycle


@FAMILIES
def test_sigterm_sends_admin_down(topo, peer_factory, edgebfdd_factory, fam):
    peer = peer_factory("frr", fam).start(interval_ms=300)
    ours = start_ours(edgebfdd_factory, topo, fam)
    bring_up(ours, peer)
    assert ours.stop() == 0, ours.proc.log()[-2000:]
    st = wait_for(lambda: (lambda p: p if p["status"] == "down" else None)(peer.status()), 2.0,
                  message=lambda: f"FRR down after our SIGTERM (now {peer.status()})")
    # AdminDown received, not a timeout (which would take 900 ms and say
    # "control detection time expired" locally)
    assert st["remote-diagnostic"] == "administratively down", st
    assert st["diagnostic"] == "neighbor signaled session down", st


def test_check_config(lab, topo, edgebfdd_factory):
    ours = start_ours(edgebfdd_factory, topo, 4)
    ours.write_config()
    rc, out = ours.check_config()
    assert rc == 0, out
    ours.set_defaults(transmit="300")          # a unit is required
    ours.write_config()
    rc, out = ours.check_config()
    assert rc == 1, out
