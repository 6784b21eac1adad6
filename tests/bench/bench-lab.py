#!/usr/bin/env python3
"""bench-lab: failover end to end, edgebfdd against FRR's own bfdd.

Runs the lab of scripts/lab.py (CE with FRR bgpd/zebra, two MSEEs with FRR
bgpd+bfdd, ECMP over both links) in both modes, edgebfdd on the CE and FRR
bfdd with `neighbor X bfd` on the CE (the baseline), for each prefix count,
and cuts the primary silently RUNS times in each. One lab per mode and
prefix count is built once and reused: after each cut the link is restored
and the lab waits until it has converged again (BGP Established, every
prefix ECMP in the CE's FIB, BFD Up at 300 ms x 3 on all four ends, no
edgebfdd route action pending) before the next cut.

For each mode and count it prints the median and the range (min..max) of
  detection   BFD Down - the last BFD packet received from MSEE1
  forwarding  BFD Down -> no prefix forwards through MSEE1 any more: the
              earlier of MSEE1's neighbour entry in the CE marked failed
              (edgebfdd does that at the Down; the kernel's nexthop groups
              then skip MSEE1, and every lab prefix is ECMP through zebra's
              groups) and the last prefix repaired
  repair      BFD Down -> the last prefix through MSEE2 only in the CE's FIB
  total       the cut -> the last prefix repaired
  own         edgebfdd's own figure for the repair, from its log (Down ->
              the kernel's answer to its last netlink request)
measured as scripts/lab.py describes (tcpdump, edgebfdctl or bfdd's log,
route-stamp or `ip -ts monitor route neigh`). As root:

    tests/bench/bench-lab.py [--runs 5] [--prefixes 1000,10000]
                             [--modes edgebfdd,frr-bfdd] [--edgebfdd PATH]
"""
import argparse
import json
import os
import statistics
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "scripts"))

import lab as lablib  # noqa: E402  (scripts/lab.py)
import nslab  # noqa: E402  (put on the path by lab.py)

METRICS = (("detection_ms", "detection"), ("forwarding_ms", "Down->forwarding"),
           ("repair_ms", "Down->repaired"),
           ("total_ms", "cut->repaired"), ("own_repair_ms", "edgebfdd's own repair"))


def measure(mode, prefixes, runs, args):
    """RUNS cut/restore cycles in one lab; a list of Failover."""
    lab = nslab.Lab()
    out = []
    try:
        fl = lablib.FailoverLab(lab, mode, prefixes, args.edgebfdd, args.edgebfdctl,
                                stamper=lablib.stamper_path(args))
        fl.start()
        for i in range(runs):
            f = fl.cut()
            fl.restore()
            fl.wait_ready()
            out.append(f)
            print(f"  {mode:9} {prefixes:6} run {i + 1}: detection {fmt(f.detection_ms)} ms, "
                  f"Down->forwarding {fmt(f.forwarding_ms)} ms, "
                  f"Down->repaired {fmt(f.repair_ms)} ms, cut->repaired {fmt(f.total_ms)} ms "
                  f"({f.repaired}/{f.prefixes} seen), bgpd reset "
                  f"{fmt(None if f.bgp_reset is None else (f.bgp_reset - f.cut) * 1e3)} ms",
                  file=sys.stderr, flush=True)
    except BaseException:
        print(lab.logs(), file=sys.stderr)
        raise
    finally:
        lab.cleanup()
    return out


def fmt(v):
    return "-" if v is None else f"{v:.1f}"


def summary(values):
    """'median (min..max)' of the values that exist, and how many are missing."""
    have = [v for v in values if v is not None]
    if not have:
        return "-"
    text = f"{statistics.median(have):7.1f} ({min(have):.1f}..{max(have):.1f})"
    if len(have) < len(values):
        text += f" [{len(values) - len(have)} missing]"
    return text


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--prefixes", default="1000,10000",
                   help="comma-separated prefix counts")
    p.add_argument("--modes", default=",".join(lablib.MODES))
    p.add_argument("--edgebfdd", default=os.path.join(TOP, "build", "daemon", "edgebfdd"))
    p.add_argument("--edgebfdctl", default=None)
    p.add_argument("--json", metavar="PATH", help="also write every run there")
    lablib.add_stamper_arg(p)
    args = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench-lab: run as root (it creates network namespaces)")
    lablib.sigterm_as_interrupt()

    results = {}
    for n in (int(x) for x in args.prefixes.split(",")):
        for mode in args.modes.split(","):
            results[(mode, n)] = measure(mode, n, args.runs, args)

    print(f"{args.runs} runs each; median (min..max) in ms")
    print(f"{'mode':9} {'prefixes':>8}  " + "".join(f"{title:28}" for _, title in METRICS))
    for (mode, n), runs in results.items():
        print(f"{mode:9} {n:8}  " + "".join(
            f"{summary([getattr(f, key) for f in runs]):28}" for key, _ in METRICS))
    if args.json:
        with open(args.json, "w") as out:
            json.dump([{"mode": mode, "prefixes": n,
                        "runs": [{key: getattr(f, key) for key, _ in METRICS} for f in runs]}
                       for (mode, n), runs in results.items()], out, indent=1)


if __name__ == "__main__":
    main()
