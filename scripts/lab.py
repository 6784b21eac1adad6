#!/usr/bin/env python3
"""The edgebfd lab: a CE router and two simulated MSEEs in network namespaces.

    ce:eth1 -- provider:br1 -- msee1:eth1   primary   192.0.2.0/24
    ce:eth2 -- provider:br2 -- msee2:eth1   secondary 198.51.100.0/24

The MSEEs run FRRouting zebra + bgpd + bfdd as AS 12076 (BFD 300 ms x 3 tied
to BGP, keepalive 60 / hold 180) and advertise the same prefixes; the CE runs
zebra + bgpd (AS 65001, ECMP over both links) and, in the default mode,
edgebfdd, which repairs the kernel FIB and resets the BGP neighbor when BFD
goes Down. The baseline mode (--mode frr-bfdd) runs FRR's own bfdd on the CE
instead, with `neighbor X bfd` in bgpd: FRR's bfdd -> bgpd -> zebra path.

The lab prints the session table, cuts the primary silently in the
provider's layer 2 (the bridge port stops forwarding, carrier stays up),
prints the failover timeline, restores the link, prints the recovery
timeline, and removes everything it made, also on failure and on Ctrl-C.

Where each time comes from, the same in both modes except BFD Down:
  last packet    tcpdump on the CE's eth1 (BFD packets from MSEE1)
  BFD Down/Up    edgebfdd: edgebfdctl's last_state_change;
                 frr-bfdd: bfdd's log (`debug bfd peer`, microsecond stamps)
  neighbor       route-stamp: the first neighbour event of MSEE1's address
                 to FAILED or INCOMPLETE (edgebfdd marks the entry failed
                 at the Down); counts as traffic off MSEE1 only because
                 every lab prefix is ECMP through zebra's nexthop groups,
                 which skip a member whose neighbour entry is not valid
  routes         route-stamp (tests/bench, built beside edgebfdd; --stamper
                 ip: `ip -ts monitor route neigh`, ten times slower to
                 print) in the CE: the first change of each prefix to MSEE2
                 only (repaired) or to both MSEEs (ECMP again), the last of
                 all prefixes counts
  bgpd           bgpd's log: %ADJCHANGE Down (reset) and Up (Established)
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import signal
import sys
from datetime import datetime, timezone

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))

import nslab  # noqa: E402  (the integration tests' namespace library)
from frr_bgp import ExpressRouteLab, RouteMonitor, fib_routes  # noqa: E402

MODES = ("edgebfdd", "frr-bfdd")
M1, M2 = ExpressRouteLab.MSEE_ADDR
BOTH, ONLY_M2 = frozenset([M1, M2]), frozenset([M2])
DETECT_US = 900_000   # 300 ms x 3
# neighbour states that are not valid: a nexthop group skips such a member
NOT_VALID = frozenset(["FAILED", "INCOMPLETE"])


@dataclasses.dataclass
class Failover:
    """Unix times of one cut; None where an event did not happen.

    neighbor_failed: the first neighbour event of MSEE1's address in the CE
    at or after the cut with a state that is not valid (FAILED, as
    edgebfdd marks it at the Down, or INCOMPLETE). The kernel's nexthop
    groups skip a member whose neighbour entry is not valid, so from then
    on no prefix forwards through MSEE1 although its route still names
    MSEE1: true here because every lab prefix is ECMP through zebra's
    nexthop groups. A single-path route, or a multipath route without
    nexthop objects (unless net.ipv4.fib_multipath_use_neigh is set), would
    keep forwarding to the dead MSEE1 until rewritten.
    """
    cut: float
    last_rx: float | None
    down: float
    diag: str
    repaired_first: float | None
    repaired_last: float | None
    repaired: int          # prefixes the route monitor saw repaired
    prefixes: int
    bgp_reset: float | None
    own_repair_ms: float | None = None  # edgebfdd's log: "routes repaired X ms after down"
    neighbor_failed: float | None = None  # see above

    @property
    def detection_ms(self):
        return None if self.last_rx is None else (self.down - self.last_rx) * 1e3

    @property
    def repair_ms(self):
        """BFD Down -> the last prefix repaired in the CE's kernel FIB."""
        return None if self.repaired_last is None else (self.repaired_last - self.down) * 1e3

    @property
    def forwarding_ms(self):
        """BFD Down -> no prefix forwards through MSEE1 any more: the earlier
        of MSEE1's neighbour entry failed (the ECMP nexthop groups skip it,
        see the class) and the last prefix repaired; None if neither."""
        ends = [t for t in (self.neighbor_failed, self.repaired_last) if t is not None]
        return (min(ends) - self.down) * 1e3 if ends else None

    @property
    def total_ms(self):
        return None if self.repaired_last is None else (self.repaired_last - self.cut) * 1e3


@dataclasses.dataclass
class Recovery:
    restored: float
    bfd_up: float
    bgp_established: float | None
    ecmp_last: float | None
    ecmp: int
    prefixes: int


class FailoverLab:
    """The ExpressRoute lab in one mode, reusable for many cut/restore cycles.

        fl = FailoverLab(lab, "edgebfdd", 1000, edgebfdd_path)
        fl.start(); fl.wait_ready()
        f = fl.cut(); r = fl.restore(); fl.wait_ready()
    """

    def __init__(self, lab, mode, n_prefixes, edgebfdd=None, edgebfdctl=None,
                 hold_down="2s", stamper=None):
        if mode not in MODES:
            raise ValueError(f"mode {mode!r}: one of {MODES}")
        self.lab, self.mode, self.n = lab, mode, n_prefixes
        # 10/8 holds 65,536 /24s (the default base holds 8,192)
        self.er = ExpressRouteLab(lab, n_shared=n_prefixes, shared_base="10.0.0.0/8",
                                  ce_bfd=(mode == "frr-bfdd"), msee_bgp_bfd=True)
        self.ours = None
        if mode == "edgebfdd":
            self.ours = nslab.Edgebfdd(lab, self.er.ce, exe=edgebfdd, ctl=edgebfdctl)
            self.ours.set_state_directory()
            self.ours.defaults.update({"on-down": "withdraw", "route-protocols": "bgp static",
                                       "hold-down": hold_down, "bgp-action": "reset"})
            for i, name in enumerate(("primary", "secondary")):
                self.ours.add_session(name, f"eth{i + 1}", self.er.CE_ADDR[i],
                                      self.er.MSEE_ADDR[i])
                self.ours.set_keys(name, bgp_neighbor=self.er.MSEE_ADDR[i])
        self.monitor = self.capture = None
        self.stamper = stamper
        self.log_mark = 0

    # -- set-up
    def start(self, timeout=60.0):
        self.er.start()
        if self.ours is not None:
            self.ours.daemon_cfg["frr-vty-dir"] = self.er.ce_frr.rundir
            self.ours.start()
        self.monitor = RouteMonitor(self.lab, self.er.ce, stamper=self.stamper).start()
        self.capture = nslab.PacketStamps(self.lab, self.er.ce, "eth1",
                                          f"udp dst port {nslab.BFD_PORT} and src host {M1}")
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=60.0):
        """BGP Established everywhere, every prefix ECMP in the CE's FIB, all
        four BFD ends Up at 300 ms x 3, and no route action pending."""
        self.er.wait_converged(timeout)
        for i, frr in enumerate(self.er.msee_frr):
            self._wait_bfd_up(frr, self.er.CE_ADDR[i], timeout)
        if self.ours is None:
            for addr in self.er.MSEE_ADDR:
                self._wait_bfd_up(self.er.ce_frr, addr, timeout)
        else:
            for name in ("primary", "secondary"):
                nslab.wait_for(lambda n=name: (lambda s: s["state"] == "up"
                                               and s["detection_time_us"] == DETECT_US
                                               and s["route_action"] == "none")(
                    self.ours.session(n)), timeout,
                    message=lambda n=name: f"edgebfdd {n} Up, 900 ms, no route action "
                    f"({self.ours.session(n)})")

    @staticmethod
    def _wait_bfd_up(frr, peer, timeout):
        def up():
            p = frr.peer(peer)
            return p and p["status"] == "up" and frr.negotiated_ms(p)[2] == DETECT_US // 1000
        nslab.wait_for(up, timeout, message=lambda: f"{frr.name} BFD {peer} Up at 300 ms x 3 "
                       f"({frr.peer(peer)})")

    def session_table(self):
        if self.ours is not None:
            text = self.ours.ctl("sessions")
        else:
            text = self.er.ce_frr.vtysh("show bfd peers brief")
        bgp = ", ".join(f"msee{i + 1} {self.er.ce_frr.bgp_state(a)} "
                        f"({self.er.ce_frr.prefixes_received(a)} prefixes)"
                        for i, a in enumerate(self.er.MSEE_ADDR))
        return text.rstrip("\n") + f"\nBGP: {bgp}\n"

    # -- events
    def _bfd_change(self, since, to, timeout):
        """(unix time, diag) of the primary's BFD change to state `to`."""
        if self.ours is not None:
            s = self.ours.wait_state("primary", to, timeout)
            return nslab.parse_ts(s["last_state_change"]).timestamp(), s["local_diag"]
        pattern = rf"state-change: \[.*peer:{M1} .*\] \S+ -> {to}\b"
        line = nslab.wait_for(lambda: self.er.ce_frr.log_events("bfdd", pattern, since),
                              timeout, message=f"bfdd logs the primary {to}")[0]
        reason = line[1].rsplit("reason:", 1)[1].strip() if "reason:" in line[1] else ""
        return line[0], reason

    def _adjchange(self, since, updown, timeout):
        """Time of bgpd's `%ADJCHANGE: neighbor M1 ... Down|Up`, or None."""
        pattern = rf"%ADJCHANGE: neighbor {M1}\b.* {updown}\b"
        try:
            return nslab.wait_for(lambda: self.er.ce_frr.log_events("bgpd", pattern, since),
                                  timeout, message=f"bgpd {updown}")[0][0]
        except nslab.WaitTimeout:
            return None

    def _fib_times(self, since, gateways, timeout):
        """(first, last, count): when the route monitor saw the prefixes go
        through exactly gateways, once the FIB holds all of them so. Waits
        on the monitor's events (cheap, every 100 ms), then reads the FIB
        once to confirm."""
        times = {}

        def all_seen():
            times.update(self.monitor.first_times(self.er.shared, since, gateways))
            return len(times) == self.n
        try:
            nslab.wait_for(all_seen, timeout, interval=0.1)
        except nslab.WaitTimeout:
            pass  # the monitor may have lost events: the FIB decides
        nslab.wait_for(lambda: all(r.gateways == gateways for p, r in fib_routes(self.er.ce).items()
                                   if p in set(self.er.shared)), timeout,
                       message=lambda: f"CE FIB through {sorted(gateways)} "
                       f"({self.er.fib_summary()})")
        all_seen()
        if not times:
            return None, None, 0
        return min(times.values()), max(times.values()), len(times)

    # -- the cycle
    def cut(self, timeout=10.0):
        self.log_mark = len(self.ours.proc.log()) if self.ours is not None else 0
        cut_at = self.er.link1.cut()
        # The FIB first, from the route monitor, then BFD's state: nothing
        # else polls while the repair runs (a poll of 10,000 routes or a
        # CLI every 20 ms would compete with it for the CPU).
        first, last, count = self._fib_times(cut_at, ONLY_M2, timeout)
        # edgebfdd marks the neighbour entry before it rewrites the routes:
        # the monitor has printed it by now, if it happened
        failed = self.monitor.neighbor_times(M1, cut_at, NOT_VALID)
        down, diag = self._bfd_change(cut_at, "down", timeout)
        reset = self._adjchange(cut_at, "Down", 3.0)
        stamps = [t for t in self.capture.times() if t < cut_at]
        return Failover(cut_at, stamps[-1] if stamps else None, down, diag, first, last,
                        count, self.n, reset, self._own_repair_ms(timeout),
                        neighbor_failed=failed[0] if failed else None)

    def restore(self, timeout=30.0):
        restored_at = self.er.link1.restore()
        _, last, count = self._fib_times(restored_at, BOTH, timeout)
        up, _ = self._bfd_change(restored_at, "up", timeout)
        est = self._adjchange(restored_at, "Up", timeout)
        return Recovery(restored_at, up, est, last, count, self.n)

    def _own_repair_ms(self, timeout):
        """edgebfdd's own figure for the repair (from the Down event to the
        kernel's answer to its last request), from its log; None in the
        baseline."""
        if self.ours is None:
            return None

        def logged():
            for line in self.edgebfdd_log():
                m = re.search(r"routes repaired ([0-9.]+) ms after down", line)
                if m:
                    return float(m.group(1))
            return None
        return nslab.wait_for(logged, timeout, message="edgebfdd logs the repair")

    def edgebfdd_log(self):
        """edgebfdd's log lines about the primary since the last cut."""
        text = self.ours.proc.log()[self.log_mark:]
        return [line for line in text.splitlines() if "primary" in line]


# --------------------------------------------------------------------------
# printing


def ms(t, t0):
    return "         -" if t is None else f"{(t - t0) * 1e3:+10.1f}"


def print_failover(f: Failover, mode):
    who = "edgebfdd" if mode == "edgebfdd" else "FRR bfdd"
    print(f"  cut at                        {datetime.fromtimestamp(f.cut, timezone.utc).isoformat()}")
    print(f"  last BFD packet from MSEE1    {ms(f.last_rx, f.cut)} ms")
    print(f"  BFD Down ({who}, {f.diag or '?'})")
    print(f"                                {ms(f.down, f.cut)} ms")
    print(f"  MSEE1's neighbor entry failed {ms(f.neighbor_failed, f.cut)} ms"
          + ("" if f.neighbor_failed is None else
             "   (ECMP nexthop groups skip MSEE1 from here)"))
    print(f"  routes repaired, first        {ms(f.repaired_first, f.cut)} ms")
    print(f"  routes repaired, last         {ms(f.repaired_last, f.cut)} ms   "
          f"({f.repaired} of {f.prefixes} prefixes through MSEE2 only)")
    print(f"  bgpd reset (%ADJCHANGE Down)  {ms(f.bgp_reset, f.cut)} ms")
    det = "?" if f.detection_ms is None else f"{f.detection_ms:.1f}"
    rep = "?" if f.repair_ms is None else f"{f.repair_ms:.1f}"
    fwd = "?" if f.forwarding_ms is None else f"{f.forwarding_ms:.1f}"
    print(f"  detection {det} ms after the last packet; Down -> traffic off MSEE1 {fwd} ms; "
          f"Down -> last prefix repaired {rep} ms; BGP's hold timer alone would take up to 180 s")
    if f.own_repair_ms is not None:
        print(f"  edgebfdd's own figure: routes repaired {f.own_repair_ms:.1f} ms after Down "
              "(its last netlink request answered)")


def print_recovery(r: Recovery):
    print(f"  BFD Up                        {ms(r.bfd_up, r.restored)} ms")
    print(f"  BGP Established (%ADJCHANGE)  {ms(r.bgp_established, r.restored)} ms")
    print(f"  routes ECMP again, last       {ms(r.ecmp_last, r.restored)} ms   "
          f"({r.ecmp} of {r.prefixes} prefixes through both MSEEs)")


def banner(text):
    print(f"\n== {text}", flush=True)


def run_lab(args):
    lab = nslab.Lab()
    result = {}
    try:
        fl = FailoverLab(lab, args.mode, args.prefixes, args.edgebfdd, args.edgebfdctl,
                         stamper=stamper_path(args))
        what = "edgebfdd" if args.mode == "edgebfdd" else "FRR bfdd (`neighbor X bfd`)"
        banner(f"starting: CE (FRR bgpd/zebra + {what}), provider, MSEE1, MSEE2 "
               f"(AS 12076), {args.prefixes} prefixes")
        fl.start()
        banner("both ExpressRoute links Up, every prefix ECMP in the CE's FIB")
        print(fl.session_table(), end="")

        banner("silently cutting the primary link in the provider's layer 2")
        f = fl.cut()
        print_failover(f, args.mode)
        if fl.ours is not None:
            banner("edgebfdd's view")
            s = fl.ours.session("primary")
            print(f"  its last packet from MSEE1    "
                  f"{ms(nslab.parse_ts(s['last_packet_rx']).timestamp(), f.cut)} ms")
            print(fl.ours.ctl("sessions"), end="")
            for line in fl.edgebfdd_log():
                print("  " + line)
        else:
            print(fl.session_table(), end="")

        banner("restoring the primary link")
        r = fl.restore()
        print_recovery(r)
        result = {"mode": args.mode, "prefixes": args.prefixes,
                  "failover": dataclasses.asdict(f), "recovery": dataclasses.asdict(r),
                  "detection_ms": f.detection_ms, "repair_ms": f.repair_ms,
                  "forwarding_ms": f.forwarding_ms, "total_ms": f.total_ms}
        banner("done; cleaning up")
    except BaseException:
        print(lab.logs(), file=sys.stderr)
        raise
    finally:
        lab.cleanup()
    return result


def sigterm_as_interrupt():
    """SIGTERM ends the lab like Ctrl-C: through the cleanup."""
    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, handler)


def stamper_path(args):
    """The route observer: route-stamp from the build that holds
    args.edgebfdd (tests/bench/route-stamp), or None for `ip monitor`."""
    if args.stamper == "ip":
        return None
    path = args.stamper or os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(args.edgebfdd))), "tests", "bench", "route-stamp")
    if not os.access(path, os.X_OK):
        sys.exit(f"lab: {path} not found: build it (ninja -C build) or pass --stamper ip")
    return path


def add_stamper_arg(p):
    p.add_argument("--stamper", default=None,
                   help="the route observer: a route-stamp binary, or 'ip' for ip monitor "
                   "(default: route-stamp of the build that holds --edgebfdd)")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mode", choices=MODES, default="edgebfdd",
                   help="edgebfdd on the CE, or FRR's own bfdd (the baseline)")
    p.add_argument("--baseline", dest="mode", action="store_const", const="frr-bfdd",
                   help="same as --mode frr-bfdd")
    p.add_argument("--prefixes", type=int, default=1000)
    p.add_argument("--edgebfdd", default=os.path.join(TOP, "build", "daemon", "edgebfdd"))
    p.add_argument("--edgebfdctl", default=None,
                   help="default: edgebfdctl beside --edgebfdd")
    p.add_argument("--json", metavar="PATH", help="also write the timelines there as JSON")
    add_stamper_arg(p)
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if os.geteuid() != 0:
        sys.exit("lab.py: run as root (it creates network namespaces)")
    sigterm_as_interrupt()
    result = run_lab(args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
