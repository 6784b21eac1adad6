"""Scale: 1,000 BFD sessions in one edgebfdd process, against another
edgebfdd with 1,000 of its own, all at 300 ms x 3 over one link.

Every session must come Up and stay Up (no flap while ~6,700 packets per
second cross the link), edgebfdctl must still answer with all 1,000, route
actions are planned ahead for the first 16 sessions only, and the
daemon's resident memory is reported (recorded in README.md).
"""
import time

import nslab

N = 1000
PLANNED = 16  # routes.c PLANNED_SESSIONS_MAX


LINK = {"ce": "192.0.2.1", "peer": "192.0.2.2"}


def addr(side, i):
    """198.18.0.0/16 on the CE, 198.19.0.0/16 on the peer (the benchmarking
    range), inside our namespaces only."""
    return f"198.{18 if side == 'ce' else 19}.{i >> 8}.{i & 255}"


def add_addresses(ns, side):
    """1,000 /32s on eth1, and the other side's /16 through its link address:
    one ARP entry instead of 1,000 (the kernel's neighbour table is shared
    by all namespaces and overflows near 1,024 entries). Packets still cross
    one link with TTL 255."""
    other = "peer" if side == "ce" else "ce"
    batch = f"address add {LINK[side]}/30 dev eth1\n"
    batch += "".join(f"address add {addr(side, i)}/32 dev eth1\n" for i in range(1, N + 1))
    batch += f"route add 198.{19 if side == 'ce' else 18}.0.0/16 via {LINK[other]} dev eth1\n"
    nslab.run(ns.cmd(["ip", "-batch", "-"]), input=batch, timeout=60)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_thousand_sessions(lab):
    ce, sw, peer = lab.ns("ce"), lab.ns("sw"), lab.ns("peer")
    lab.link(ce, "eth1", peer, "eth1", sw, "br1")
    add_addresses(ce, "ce")
    add_addresses(peer, "peer")

    ours = nslab.Edgebfdd(lab, ce, name="ce")
    theirs = nslab.Edgebfdd(lab, peer, name="peer")
    for i in range(1, N + 1):
        ours.add_session(f"s{i}", "eth1", addr("ce", i), addr("peer", i))
        theirs.add_session(f"s{i}", "eth1", addr("peer", i), addr("ce", i))
    started = time.monotonic()
    ours.start(timeout=20.0)
    theirs.start(timeout=20.0)

    def all_up():
        sessions = ours.sessions()
        assert len(sessions) == N
        up = sum(s["state"] == "up" for s in sessions)
        return up == N or None
    nslab.wait_for(all_up, 30.0, interval=0.5,
                   message=lambda: f"all {N} sessions up on the CE")
    up_after = time.monotonic() - started

    # Stay Up: nothing changes state for several detection times.
    changes = {s["name"]: s["last_state_change"] for s in ours.sessions()}
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        for s in ours.sessions():
            assert s["state"] == "up", s
            assert s["last_state_change"] == changes[s["name"]], s
    for s in theirs.sessions():
        assert s["state"] == "up", s
        assert sum(s["drops"].values()) == 0, s
    # Route actions are planned ahead for the first 16 sessions only (each
    # plan reads every route after every change): the rest read the routes
    # at their Down.
    first = [f"s{i}" for i in range(1, PLANNED + 1)]
    nslab.wait_for(lambda: [s["name"] for s in ours.sessions()
                            if s["route_plan"] == "ready"] == first, 3.0, interval=0.2,
                   message=lambda: "plans for exactly the first 16 sessions (now "
                   f"{[s['name'] for s in ours.sessions() if s['route_plan'] == 'ready'][:20]})")

    # The same daemon with one session, for the baseline of the process.
    single = nslab.Edgebfdd(lab, sw, name="single")
    single.add_session("s1", "br1", "192.0.2.9", "192.0.2.10")
    single.start()
    kib, base_kib = rss_kib(ours.proc.pid), rss_kib(single.proc.pid)
    per_session = (kib - base_kib) * 1024 / (N - 1)
    print(f"\n{N} sessions: all Up {up_after:.1f} s after start; edgebfdd RSS {kib} KiB, "
          f"{base_kib} KiB with one session: {per_session:.0f} bytes per session "
          f"(struct, socket, timer, index)")
    with open(f"/proc/{ours.proc.pid}/maps") as f:
        sanitized = "libasan" in f.read()
    # Under ASan the quarantine, not the daemon, decides the RSS.
    if not sanitized:
        assert per_session < 8192, "a session should be a small fixed struct"
