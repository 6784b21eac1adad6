#!/usr/bin/env python3
"""The edgebfd lab: a CE router and two simulated MSEEs in network namespaces.

    ce:eth1 -- provider:br1 -- msee1:eth1   primary link   192.0.2.0/30
    ce:eth2 -- provider:br2 -- msee2:eth1   secondary link 192.0.2.4/30

The MSEEs run FRRouting bfdd with ExpressRoute's BFD timers (300 ms x 3), the
CE runs edgebfdd. The lab shows both sessions Up, cuts the primary silently in
the provider's layer 2 (the bridge port stops forwarding, carrier stays up),
prints the failover timeline, restores the link, and cleans everything up.

Usage: lab.py [--edgebfdd PATH]   (default: build/daemon/edgebfdd)
"""
import argparse
import os
import sys
import time
from datetime import datetime, timezone

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))

import nslab  # noqa: E402  (the integration tests' namespace library)

LINKS = [  # name, CE interface, MSEE, CE address, MSEE address
    ("primary", "eth1", "msee1", "192.0.2.1", "192.0.2.2"),
    ("secondary", "eth2", "msee2", "192.0.2.5", "192.0.2.6"),
]


def banner(text):
    print(f"\n== {text}", flush=True)


def ms_since(t0, iso):
    """Milliseconds from t0 (a UNIX time) to an ISO 8601 timestamp."""
    if not iso:
        return None
    return (nslab.parse_ts(iso).timestamp() - t0) * 1000.0


def build(lab, edgebfdd_path):
    ce, provider = lab.ns("ce"), lab.ns("provider")
    cut_links, msees = {}, {}
    ours = nslab.Edgebfdd(lab, ce, exe=edgebfdd_path)
    for name, ce_if, msee_name, ce_addr, msee_addr in LINKS:
        msee = lab.ns(msee_name)
        bridge = "br1" if ce_if == "eth1" else "br2"
        cut_links[name] = lab.link(ce, ce_if, msee, "eth1", provider, bridge)
        ce.add_addr(ce_if, f"{ce_addr}/30")
        msee.add_addr("eth1", f"{msee_addr}/30")
        frr = nslab.FrrInstance(lab, msee)
        frr.start()
        frr.wait_interface("eth1")
        frr.configure_peer(ce_addr, interface="eth1", local=msee_addr, transmit_ms=300,
                           receive_ms=300, multiplier=3)
        msees[name] = frr
        ours.add_session(name, ce_if, ce_addr, msee_addr)
    ours.start()
    return ours, cut_links, msees


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edgebfdd", default=os.path.join(TOP, "build", "daemon", "edgebfdd"))
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("lab.py: run as root (it creates network namespaces)")

    lab = nslab.Lab()
    try:
        ours, links, msees = build(lab, args.edgebfdd)
        for name, *_ in LINKS:
            ours.wait_state(name, "up", 5.0)
        banner("both ExpressRoute links Up (edgebfdctl sessions)")
        print(ours.ctl("sessions"), end="")

        banner("silently cutting the primary link in the provider's layer 2")
        cut_at = time.time()
        links["primary"].cut()
        s = ours.wait_state("primary", "down", 5.0)
        print(f"  cut at                   {datetime.fromtimestamp(cut_at, timezone.utc).isoformat()}")
        print(f"  last packet received     {ms_since(cut_at, s['last_packet_rx']):+9.1f} ms")
        print(f"  BFD Down ({s['local_diag']}) "
              f"{ms_since(cut_at, s['last_state_change']):+9.1f} ms")
        down_after_last = (nslab.parse_ts(s["last_state_change"]) -
                           nslab.parse_ts(s["last_packet_rx"])).total_seconds() * 1000
        print(f"  detection: {down_after_last:.1f} ms after the last packet "
              f"(detection time {s['detection_time_us'] / 1000:.0f} ms); "
              f"BGP's hold timer would take up to 180 s")
        print(ours.ctl("sessions"), end="")

        banner("restoring the primary link")
        restored_at = time.time()
        links["primary"].restore()
        s = ours.wait_state("primary", "up", 5.0)
        print(f"  BFD Up                   {ms_since(restored_at, s['last_state_change']):+9.1f} ms "
              "after the link came back")
        print(ours.ctl("sessions"), end="")
        banner("done; cleaning up")
    except Exception:
        print(lab.logs(), file=sys.stderr)
        raise
    finally:
        lab.cleanup()


if __name__ == "__main__":
    main()
