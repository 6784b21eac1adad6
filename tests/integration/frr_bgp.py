"""frr_bgp: FRR bgpd in the nslab network-namespace lab.

Reusable pieces for tests (and the issue 6 lab) that need real BGP:

- ``Neighbor`` and ``render_bgpd_conf()``: a bgpd configuration for one
  router (ASN, router-id, neighbors with timers, advertised prefixes,
  ``maximum-paths``).
- ``FrrBgp``: a private FRR instance (``-N NAME``, like ``nslab.FrrInstance``)
  running zebra + bgpd and optionally bfdd, with BGP read-back helpers
  (``show bgp neighbors json``, wait for Established, neighbor shutdown).
- ``ExpressRouteLab``: the CE / provider switch / MSEE1 / MSEE2 topology,
  the MSEEs (AS 12076) advertising the same prefixes to the CE (AS 65001)
  which installs them as ECMP.
- ``fib_routes()``: the CE's kernel FIB with nexthop objects resolved to
  gateways, so a test can compare what zebra installed with what the kernel
  forwards on.
- ``RouteMonitor``: `ip -ts monitor route neigh` in a namespace, its route
  events with wall-clock times (when was the last prefix repaired, who
  deleted what) and its neighbour events (when did an entry fail).

Everything started here is registered with the ``nslab.Lab`` and ended by
PID on ``Lab.cleanup()``; the FRR pathspace dirs /etc/frr/NAME and
/var/run/frr/NAME are removed there too (``FrrInstance._rmdirs``).
Stdlib only.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import ipaddress
import json
import os
import re
import shutil

import nslab
from nslab import FrrInstance, Fatal, Lab, Namespace, wait_for

BGPD = "bgpd"

# ASNs of the ExpressRoute scenario: Microsoft's edge routers use 12076.
MSEE_ASN = 12076
CE_ASN = 65001


# --------------------------------------------------------------------------
# configuration


@dataclasses.dataclass
class Neighbor:
    """One BGP neighbor in a bgpd config.

    keepalive/holdtime: ``neighbor X timers K H`` (None: bgpd's defaults).
    connect: ``neighbor X timers connect S``; 1 s so that a session comes up
    quickly whichever side starts first. bfd: ``neighbor X bfd`` (needs bfdd
    in the same instance).
    """

    address: str
    remote_as: int
    keepalive: int | None = 60
    holdtime: int | None = 180
    connect: int | None = 1
    bfd: bool = False
    shutdown: bool = False
    description: str | None = None
    update_source: str | None = None


def prefixes(base: str, count: int, new_prefix: int = 24):
    """The first count subnets of base, as strings: prefixes("100.64.0.0/16", 3)
    -> ["100.64.0.0/24", "100.64.1.0/24", "100.64.2.0/24"]."""
    net = ipaddress.ip_network(base)
    out = []
    for sub in net.subnets(new_prefix=new_prefix):
        if len(out) >= count:
            break
        out.append(str(sub))
    if len(out) < count:
        raise ValueError(f"{base} holds only {len(out)} /{new_prefix}s, {count} wanted")
    return out


def render_bgpd_conf(asn: int, router_id: str, neighbors, networks=(), maximum_paths=None,
                     hostname=None, extra_global=(), extra_af=()) -> str:
    """bgpd.conf text for one router.

    networks are advertised with ``network`` statements and ``no bgp network
    import-check``, so they need no route in the RIB (no staticd). eBGP
    without policy is allowed (``no bgp ebgp-requires-policy``), which FRR
    8.4 otherwise refuses to send or accept.
    """
    lines = ["frr defaults traditional"]
    if hostname:
        lines.append(f"hostname {hostname}")
    lines += ["!", f"router bgp {asn}",
              f" bgp router-id {router_id}",
              " no bgp ebgp-requires-policy",
              " no bgp network import-check",
              " no bgp default ipv4-unicast"]
    lines += [f" {x}" for x in extra_global]
    for n in neighbors:
        lines.append(f" neighbor {n.address} remote-as {n.remote_as}")
        if n.description:
            lines.append(f" neighbor {n.address} description {n.description}")
        if n.update_source:
            lines.append(f" neighbor {n.address} update-source {n.update_source}")
        if n.keepalive is not None and n.holdtime is not None:
            lines.append(f" neighbor {n.address} timers {n.keepalive} {n.holdtime}")
        if n.connect is not None:
            lines.append(f" neighbor {n.address} timers connect {n.connect}")
        if n.bfd:
            lines.append(f" neighbor {n.address} bfd")
        if n.shutdown:
            lines.append(f" neighbor {n.address} shutdown")
    fams = {}
    for n in neighbors:
        fams.setdefault(ipaddress.ip_address(n.address).version, []).append(n)
    for p in networks:
        fams.setdefault(ipaddress.ip_network(p).version, [])
    for ver in sorted(fams):
        lines += [" !", f" address-family ipv{ver} unicast"]
        for n in fams[ver]:
            lines.append(f"  neighbor {n.address} activate")
        for p in networks:
            if ipaddress.ip_network(p).version == ver:
                lines.append(f"  network {p}")
        if maximum_paths:
            lines.append(f"  maximum-paths {maximum_paths}")
        lines += [f"  {x}" for x in extra_af]
        lines.append(" exit-address-family")
    lines += ["exit", "!"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# FRR instance with bgpd


class FrrBgp(FrrInstance):
    """zebra + bgpd (+ bfdd when with_bfdd) with FRR's pathspace option -N.

    The CE runs without bfdd (edgebfdd owns UDP port 3784 there); an MSEE
    runs with it so that edgebfdd on the CE has a BFD peer.

        frr = FrrBgp(lab, ns, with_bfdd=False)
        frr.start(bgpd_conf=render_bgpd_conf(...))
        frr.wait_established(["192.0.2.2"], 15)
    """

    def __init__(self, lab: Lab, ns: Namespace, name=None, with_bfdd=False):
        super().__init__(lab, ns, name=name)
        self.with_bfdd = with_bfdd
        self.bgpd = None
        self.asn = None

    def _daemon(self, daemon, extra=()):
        argv = [os.path.join(nslab.FRR_DIR, daemon),
                "-N", self.name, "-P", "0", "--log", "stdout", "--log-level", "debugging"]
        argv += list(extra)
        return self.lab.spawn(f"{self.name}-{daemon}", self.ns, argv)

    def _write(self, filename, text):
        path = os.path.join(self.etc, filename)
        with open(path, "w") as f:
            f.write(text)
        shutil.chown(path, "frr", "frr")
        return path

    def start(self, bgpd_conf=None, zebra_conf=None, timeout=10.0):
        """Start zebra, then bfdd (if wanted), then bgpd reading bgpd_conf.

        Daemons are given their config with -f (the pathspace keeps the
        integrated frr.conf empty), so the configuration is in force before
        bgpd opens any session.
        """
        self._mkdirs()
        zextra = ["-f", self._write("zebra.conf", zebra_conf)] if zebra_conf else []
        self.zebra = self._daemon("zebra", zextra)
        wait_for(lambda: self._check_alive()
                 and os.path.exists(os.path.join(self.rundir, "zserv.api"))
                 and self._vtysh_ok("show interface brief"),
                 timeout, message=f"zebra {self.name} up", interval=0.05)
        if self.with_bfdd:
            self.bfdd = self._daemon("bfdd")
            wait_for(lambda: self._check_alive() and isinstance(self.peers(), list),
                     timeout, message=f"bfdd {self.name} answering", interval=0.05)
        if bgpd_conf is not None:
            self.start_bgpd(bgpd_conf, timeout)
        return self

    def start_bgpd(self, bgpd_conf, timeout=10.0):
        for line in bgpd_conf.splitlines():
            if line.startswith("router bgp "):
                self.asn = int(line.split()[2])
        path = self._write("bgpd.conf", bgpd_conf)
        self.bgpd = self._daemon(BGPD, ["-f", path])
        wait_for(lambda: self._check_alive() and isinstance(self.bgp_neighbors(), dict),
                 timeout, message=f"bgpd {self.name} answering", interval=0.05)
        return self.bgpd

    def log_precisely(self):
        """Microsecond log timestamps in every running daemon of the instance
        (`log timestamp precision 6`), and bfdd's state changes logged
        (`debug bfd peer`), so a timeline can be read from the logs."""
        cmds = ["configure terminal", "log timestamp precision 6"]
        if self.bfdd is not None:
            cmds.append("debug bfd peer")
        self.vtysh(*cmds, "end")

    def log_events(self, daemon, pattern, since=0.0):
        """[(unix time, line)] of a daemon's log lines matching pattern (a
        regex), stamped at or after since. FRR stamps in local time."""
        proc = {"zebra": self.zebra, "bfdd": self.bfdd, BGPD: self.bgpd}[daemon]
        return frr_log_events(proc.log() if proc else "", pattern, since)

    def _check_alive(self):
        for p in (self.zebra, self.bfdd, self.bgpd):
            if p is not None and not p.alive():
                raise Fatal(f"{p.name} exited: {p.log()[-2000:]}")
        return True

    # -- BGP read-back
    def bgp_neighbors(self):
        """`show bgp neighbors json`: {address: neighbor object}."""
        return json.loads(self.vtysh("show bgp neighbors json"))

    def bgp_neighbor(self, address):
        for k, v in self.bgp_neighbors().items():
            try:
                if ipaddress.ip_address(k) == ipaddress.ip_address(address):
                    return v
            except ValueError:
                continue
        return None

    def bgp_state(self, address):
        n = self.bgp_neighbor(address)
        return None if n is None else n.get("bgpState")

    def wait_established(self, addresses, timeout=20.0):
        """Wait until every neighbor in addresses is Established."""
        addresses = [addresses] if isinstance(addresses, str) else list(addresses)

        def ok():
            self._check_alive()
            return all(self.bgp_state(a) == "Established" for a in addresses)
        wait_for(ok, timeout, interval=0.1,
                 message=lambda: f"bgpd {self.name} Established with {addresses} "
                 f"(now {[(a, self.bgp_state(a)) for a in addresses]})")

    def prefixes_received(self, address):
        """Prefixes accepted from a neighbor (ipv4 or ipv6 unicast)."""
        n = self.bgp_neighbor(address) or {}
        afs = n.get("addressFamilyInfo", {})
        return sum(v.get("acceptedPrefixCounter", 0) for v in afs.values())

    def bgp_config(self, *commands):
        """Run commands under `router bgp ASN` in configure mode."""
        if self.asn is None:
            raise RuntimeError(f"{self.name}: bgpd not started")
        return self.vtysh("configure terminal", f"router bgp {self.asn}", *commands, "end")

    def neighbor_shutdown(self, address, down=True):
        self.bgp_config(("" if down else "no ") + f"neighbor {address} shutdown")

    def rib(self, prefix):
        """zebra's `show ip route PREFIX json` entries for one prefix."""
        fam = "ipv6" if ":" in prefix else "ip"
        data = json.loads(self.vtysh(f"show {fam} route {prefix} json"))
        return data.get(prefix, [])

    def stop(self):
        for p in (self.bgpd, self.bfdd, self.zebra):
            if p is not None:
                p.stop()


# --------------------------------------------------------------------------
# the kernel FIB, nexthop objects resolved


@dataclasses.dataclass(frozen=True)
class FibRoute:
    prefix: str
    protocol: str
    metric: int
    nhid: int | None          # the route's nexthop object, if any
    gateways: frozenset       # gateways the kernel forwards to (resolved)
    group: tuple = ()         # member ids when nhid is a group, else ()
    nh_protocol: str | None = None  # owner of the nexthop object


def _proto_name(p):
    return str(p) if p is not None else "unspec"


def nexthop_objects(ns: Namespace):
    """`ip nexthop show` as {id: object}."""
    return {o["id"]: o for o in ns.ip_json("nexthop", "show")}


def fib_routes(ns: Namespace, proto="bgp", table="main", family=4):
    """{prefix: FibRoute} of the unicast routes of one protocol in a table.

    Routes through nexthop objects are resolved with `ip nexthop show`;
    inline multipath and single-gateway routes are read directly.
    """
    args = ["-4" if family == 4 else "-6", "route", "show", "table", str(table)]
    if proto is not None:
        args += ["proto", str(proto)]
    # ip_json puts -j -n first; family flag must follow them
    routes = ns.ip_json(*args)
    nhs = nexthop_objects(ns) if any("nhid" in r for r in routes) else {}
    out = {}
    for r in routes:
        if r.get("type", "unicast") != "unicast":
            continue
        dst = r["dst"]
        if dst == "default":
            dst = "0.0.0.0/0" if family == 4 else "::/0"
        elif "/" not in dst:
            dst += "/32" if family == 4 else "/128"
        nhid = r.get("nhid")
        group = ()
        nh_proto = None
        if nhid is not None:
            obj = nhs.get(nhid, {})
            nh_proto = obj.get("protocol")
            if "group" in obj:
                group = tuple(m["id"] for m in obj["group"])
                gws = frozenset(nhs.get(m, {}).get("gateway") for m in group)
            else:
                gws = frozenset([obj.get("gateway")])
        elif "nexthops" in r:
            gws = frozenset(n.get("gateway") for n in r["nexthops"])
        else:
            gws = frozenset([r.get("gateway")])
        # ip leaves out the fields the filter fixes (proto when filtered by it)
        out[dst] = FibRoute(dst, _proto_name(r.get("protocol", proto)), r.get("metric", 0),
                            nhid, gws, group, nh_proto)
    return out


_FRR_LOG_TS = re.compile(r"^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)?) ")


def frr_log_events(text, pattern, since=0.0):
    """[(unix time, line)] of FRR log lines ("2026/11/23 13:14:29.360705 BGP:
    ...", local time) matching pattern and stamped at or after since."""
    rx = re.compile(pattern)
    out = []
    for line in text.splitlines():
        m = _FRR_LOG_TS.match(line)
        if not m or not rx.search(line):
            continue
        fmt = "%Y/%m/%d %H:%M:%S.%f" if "." in m.group(1) else "%Y/%m/%d %H:%M:%S"
        t = _dt.datetime.strptime(m.group(1), fmt).timestamp()
        if t >= since:
            out.append((t, line))
    return out


_VIA = re.compile(r"\bvia (?:inet6? )?(\S+)")


@dataclasses.dataclass(frozen=True)
class RouteEvent:
    time: float        # wall clock (time.time() scale), as stamped by ip -ts
    deleted: bool      # RTM_DELROUTE
    prefix: str        # normalised: always with /len
    text: str          # the whole message, continuation lines joined

    @property
    def gateways(self):
        """The gateways the message names ("via X", nexthop lines included)."""
        return frozenset(_VIA.findall(self.text))


@dataclasses.dataclass(frozen=True)
class NeighborEvent:
    time: float        # wall clock, as stamped by the monitor
    deleted: bool      # RTM_DELNEIGH
    addr: str          # as printed: "192.0.2.2", "fe80::1"
    dev: str
    states: frozenset  # ip's NUD names: {"FAILED"}, {"REACHABLE"}, {"NONE"}, ...
    text: str


_EVENT = re.compile(r"^\[(?P<ts>[^\]]+)\]\s+(?P<del>Deleted\s+)?(?P<dst>\S+)\s?(?P<rest>.*)$")
# A neighbour line ends with its NUD state(s), in capitals, which no route
# line does (a host route "ADDR dev IF ..." has " dev " and no "/" too):
#   [TS] [Deleted ][miss ]ADDR dev IF [lladdr LL] [router] ... STATE[ STATE][ proto P]
_NUD = r"(?:INCOMPLETE|REACHABLE|STALE|DELAY|PROBE|FAILED|NOARP|PERMANENT|NONE|0x[0-9a-f]+)"
_NEIGH = re.compile(r"^\[(?P<ts>[^\]]+)\]\s+(?P<del>Deleted\s+)?(?:miss\s+)?"
                    r"(?P<addr>[0-9A-Fa-f.:]+) dev (?P<dev>\S+)(?: .*?)??"
                    rf" (?P<states>{_NUD}(?: {_NUD})*)\s*(?: proto \S+\s*)?$")
_PROBE = "198.18.255.254/32"   # benchmarking range, in an unused table


class RouteMonitor:
    """`ip -ts monitor route neigh` in a namespace (a lab process, ended by
    PID), or with stamper (the path of tests/bench/route-stamp) that
    program, which prints the same lines about ten times faster: ip writes
    every event on its own, about 100 per millisecond, so a burst of 10,000
    route changes shows up over about 100 ms however fast it was.

    Both print route and neighbour (ARP/NDP) notifications: events() and
    first_times() read the routes, neighbor_events() and neighbor_times()
    the neighbour entries ("ADDR dev IF [lladdr LL] STATE").

    start() returns once the monitor is known to be listening: it adds and
    removes a probe route (table 250, proto redirect: zebra ignores both)
    and waits for it to show up in the output.
    """

    # ip's own 1 MiB receive buffer overflows (ENOBUFS: events lost) when
    # 10,000 routes change at once; 4 MiB is the usual net.core.rmem_max.
    RCVBUF = 4 << 20

    def __init__(self, lab: Lab, ns: Namespace, name="route-monitor", stamper=None):
        self.lab, self.ns, self.name, self.stamper = lab, ns, name, stamper
        self.proc = None

    def start(self, timeout=3.0):
        # ip stamps an event when it reads it: at real-time priority (above
        # edgebfdd's, which would otherwise keep it waiting through a large
        # repair) the stamps stay close to the kernel's changes.
        argv = ([self.stamper] if self.stamper else
                ["ip", "-rcvbuf", str(self.RCVBUF), "-ts", "monitor", "route", "neigh"])
        self.proc = self.lab.spawn(f"{self.name}-{self.ns.role}", self.ns,
                                   ["chrt", "-f", "3"] + argv)

        def seen():
            if not self.proc.alive():
                raise Fatal(f"ip monitor exited: {self.proc.log()[-500:]}")
            # add + delete each time: an unchanged route is not notified
            self.ns.ip("route", "replace", "blackhole", _PROBE, "table", "250",
                       "proto", "redirect")
            self.ns.ip("route", "del", "blackhole", _PROBE, "table", "250")
            return any(e.prefix == _PROBE for e in self.events(all_prefixes=True))
        wait_for(seen, timeout, interval=0.05, message="ip monitor route listening")
        return self

    def stop(self):
        if self.proc is not None:
            self.proc.stop()

    def _messages(self):
        """The output's messages, continuation lines ("nexthop via ...")
        joined to theirs."""
        msgs = []
        for line in (self.proc.log() if self.proc else "").splitlines():
            if line[:1] in (" ", "\t") and msgs:
                msgs[-1] += " " + line.strip()
            else:
                msgs.append(line)
        return msgs

    def events(self, prefixes=None, all_prefixes=False):
        """Parsed route events, oldest first; only those for prefixes when
        given, and never the probe unless all_prefixes. Neighbour lines
        are left out."""
        wanted = set(prefixes) if prefixes is not None else None
        out = []
        for msg in self._messages():
            m = _EVENT.match(msg)
            if not m or _NEIGH.match(msg):
                continue
            dst = m.group("dst")
            if m.group("dst") in ("blackhole", "unreachable", "prohibit", "local",
                                  "broadcast", "multicast", "throw"):
                parts = m.group("rest").split()
                dst = parts[0] if parts else dst
            if dst == "default":
                dst = "0.0.0.0/0"
            elif "/" not in dst:
                dst += "/128" if ":" in dst else "/32"
            if wanted is not None and dst not in wanted:
                continue
            if not all_prefixes and dst == _PROBE:
                continue
            # ip -ts prints local time without a zone
            t = _dt.datetime.fromisoformat(m.group("ts")).timestamp()
            out.append(RouteEvent(t, bool(m.group("del")), dst, msg))
        return out

    def first_times(self, prefixes, since, gateways):
        """{prefix: time} of the first event at or after since that installs
        the prefix through exactly gateways; prefixes without one are left
        out (not yet, or the monitor lost the event)."""
        wanted = set(prefixes)
        out = {}
        for e in self.events(prefixes=wanted):
            if (e.time >= since and e.prefix not in out and not e.deleted
                    and e.gateways == gateways):
                out[e.prefix] = e.time
        return out

    def neighbor_events(self):
        """Parsed neighbour events, oldest first."""
        out = []
        for msg in self._messages():
            m = _NEIGH.match(msg)
            if m:
                t = _dt.datetime.fromisoformat(m.group("ts")).timestamp()
                out.append(NeighborEvent(t, bool(m.group("del")), m.group("addr"),
                                         m.group("dev"), frozenset(m.group("states").split()),
                                         msg))
        return out

    def neighbor_times(self, addr, since, states):
        """Sorted times of the events of addr's neighbour entry (the address
        as printed, exactly) at or after since with one of states (ip's
        names in capitals: {"FAILED", "INCOMPLETE"})."""
        return sorted(e.time for e in self.neighbor_events()
                      if e.addr == addr and e.time >= since and e.states & set(states))


# --------------------------------------------------------------------------
# the ExpressRoute topology


class ExpressRouteLab:
    """CE with two links to two MSEEs through a provider switch namespace.

        ce:eth1 -- provider:br1 -- msee1:eth1   primary   192.0.2.0/24
        ce:eth2 -- provider:br2 -- msee2:eth1   secondary 198.51.100.0/24

    CE: zebra + bgpd, AS 65001, maximum-paths 2 (no bfdd: edgebfdd runs there).
    MSEEs: zebra + bgpd + bfdd, AS 12076, keepalive 60 / hold 180 so that BGP
    itself does not notice a short cut, BFD peer for the CE address.
    Both MSEEs advertise `shared` (ECMP on the CE); MSEE1 alone advertises
    `primary_only` (single path through the primary on the CE).

    ``link1.cut()`` silently cuts the primary at the provider (carrier stays
    up on both hosts). Call ``start()``, then ``wait_converged()``.

    ce_bfd: the CE runs FRR's bfdd too and its bgpd has ``neighbor X bfd``
    (bfdd's defaults are 300 ms x 3): FRR's own failover path, the lab's
    baseline. msee_bgp_bfd: the MSEEs' bgpd has ``neighbor CE bfd``, so an
    MSEE drops the BGP session when BFD goes Down, as a real MSEE does.
    Every instance logs neighbor changes and, with microsecond stamps, BFD
    state changes (``FrrBgp.log_events``).
    """

    CE_ADDR = ("192.0.2.1", "198.51.100.1")
    MSEE_ADDR = ("192.0.2.2", "198.51.100.2")
    PLEN = 24

    def __init__(self, lab: Lab, n_shared=200, n_primary_only=0,
                 shared_base="100.64.0.0/11", primary_only_base="100.96.0.0/11",
                 keepalive=60, holdtime=180, bfd_interval_ms=300, bfd_multiplier=3,
                 ce_bfd=False, msee_bgp_bfd=False):
        self.lab = lab
        self.ce_bfd, self.msee_bgp_bfd = ce_bfd, msee_bgp_bfd
        self.shared = prefixes(shared_base, n_shared)
        self.primary_only = prefixes(primary_only_base, n_primary_only)
        self.keepalive, self.holdtime = keepalive, holdtime
        self.bfd_interval_ms, self.bfd_multiplier = bfd_interval_ms, bfd_multiplier

        self.ce = lab.ns("ce")
        self.provider = lab.ns("provider")
        self.msee = [lab.ns("msee1"), lab.ns("msee2")]
        self.links = [lab.link(self.ce, f"eth{i + 1}", m, "eth1", self.provider, f"br{i + 1}")
                      for i, m in enumerate(self.msee)]
        self.link1, self.link2 = self.links
        for i, m in enumerate(self.msee):
            self.ce.add_addr(f"eth{i + 1}", f"{self.CE_ADDR[i]}/{self.PLEN}")
            m.add_addr("eth1", f"{self.MSEE_ADDR[i]}/{self.PLEN}")
        for i, m in enumerate(self.msee):
            self.ce.wait_addrs_ready(f"eth{i + 1}")
            m.wait_addrs_ready("eth1")
        self.ce_frr = None
        self.msee_frr = []

    # -- FRR
    def ce_bgpd_conf(self):
        neighbors = [Neighbor(a, MSEE_ASN, self.keepalive, self.holdtime,
                              description=f"msee{i + 1}", bfd=self.ce_bfd)
                     for i, a in enumerate(self.MSEE_ADDR)]
        return render_bgpd_conf(CE_ASN, self.CE_ADDR[0], neighbors, maximum_paths=2,
                                hostname="ce", extra_global=["bgp log-neighbor-changes"])

    def msee_bgpd_conf(self, i):
        nets = list(self.shared) + (list(self.primary_only) if i == 0 else [])
        return render_bgpd_conf(MSEE_ASN, self.MSEE_ADDR[i],
                                [Neighbor(self.CE_ADDR[i], CE_ASN, self.keepalive,
                                          self.holdtime, description="ce",
                                          bfd=self.msee_bgp_bfd)],
                                networks=nets, hostname=f"msee{i + 1}",
                                extra_global=["bgp log-neighbor-changes"])

    def start(self, timeout=10.0):
        """Start the MSEEs' zebra+bfdd+bgpd (with a BFD peer for the CE
        address), then the CE's zebra+bgpd (+bfdd with ce_bfd)."""
        for i, m in enumerate(self.msee):
            frr = FrrBgp(self.lab, m, with_bfdd=True)
            self.msee_frr.append(frr)
            frr.start(timeout=timeout)
            frr.wait_interface("eth1")
            frr.configure_peer(self.CE_ADDR[i], interface="eth1", local=self.MSEE_ADDR[i],
                               transmit_ms=self.bfd_interval_ms,
                               receive_ms=self.bfd_interval_ms,
                               multiplier=self.bfd_multiplier)
            frr.start_bgpd(self.msee_bgpd_conf(i), timeout)
            frr.log_precisely()
        self.ce_frr = FrrBgp(self.lab, self.ce, with_bfdd=self.ce_bfd)
        self.ce_frr.start(timeout=timeout)
        self.ce_frr.wait_interface("eth1")
        self.ce_frr.wait_interface("eth2")
        self.ce_frr.start_bgpd(self.ce_bgpd_conf(), timeout)
        self.ce_frr.log_precisely()
        return self

    def wait_converged(self, timeout=30.0):
        """BGP Established on all sessions and every shared prefix in the CE's
        kernel FIB through both MSEEs, every primary-only prefix through MSEE1.
        Returns the CE's FIB ({prefix: FibRoute})."""
        self.ce_frr.wait_established(self.MSEE_ADDR, timeout)
        for i, frr in enumerate(self.msee_frr):
            frr.wait_established(self.CE_ADDR[i], timeout)
        both = frozenset(self.MSEE_ADDR)
        one = frozenset([self.MSEE_ADDR[0]])

        def converged():
            fib = fib_routes(self.ce)
            for p in self.shared:
                if p not in fib or fib[p].gateways != both:
                    return None
            for p in self.primary_only:
                if p not in fib or fib[p].gateways != one:
                    return None
            return fib
        return wait_for(converged, timeout, interval=0.1,
                        message=lambda: f"CE FIB converged ({self.fib_summary()})")

    def fib_summary(self, fib=None):
        """{(gateways, nhid): count} over our prefixes: a compact message."""
        fib = fib_routes(self.ce) if fib is None else fib
        out = {}
        for p in list(self.shared) + list(self.primary_only):
            r = fib.get(p)
            key = "absent" if r is None else (tuple(sorted(g or "-" for g in r.gateways)),
                                              r.nhid)
            out[key] = out.get(key, 0) + 1
        return out
