"""nslab: network-namespace lab for the edgebfd integration tests.

Everything here is stdlib only. All traffic stays inside namespaces this
module creates; every namespace name starts with a prefix unique to the
test run (``ebt<pid>x<counter>``), and ``Lab.cleanup()`` removes every
namespace, process and directory it made, in reverse order, even after a
failure. Processes are ended by PID only.

Also runnable as a script (``python3 nslab.py send ...``): that is the
packet sender the bad-input tests start inside the peer namespace.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import ipaddress
import itertools
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

FRR_DIR = "/usr/lib/frr"
FRR_ETC = "/etc/frr"
FRR_RUN = "/var/run/frr"
BIRD = "/usr/sbin/bird"
BIRDC = "/usr/sbin/birdc"
VTYSH = "/usr/bin/vtysh"

BFD_PORT = 3784

_counter = itertools.count()


def run_prefix() -> str:
    """Unique per test run *and* per lab: ebt<pid>x<counter>."""
    return "ebt%dx%d" % (os.getpid(), next(_counter))


# --------------------------------------------------------------------------
# waiting and running


class WaitTimeout(AssertionError):
    pass


class Fatal(RuntimeError):
    """Raised by a wait_for predicate when waiting longer is pointless
    (e.g. the process died): wait_for re-raises it at once."""


def wait_for(predicate, timeout, interval=0.02, message=None):
    """Poll predicate() until it returns something truthy; return that value.

    Exceptions raised by predicate count as "not yet" and the last one is
    reported if the timeout expires. Raises WaitTimeout with message.
    """
    deadline = time.monotonic() + timeout
    last_exc = None
    last_val = None
    while True:
        try:
            last_val = predicate()
            if last_val:
                return last_val
        except Fatal:
            raise
        except Exception as exc:  # noqa: BLE001 - reported below
            last_exc = exc
        if time.monotonic() >= deadline:
            text = message or getattr(predicate, "__name__", "condition")
            if callable(text):
                text = text()
            detail = f"; last value {last_val!r}"
            if last_exc is not None:
                detail += f"; last error {type(last_exc).__name__}: {last_exc}"
            raise WaitTimeout(f"timed out after {timeout}s waiting for {text}{detail}")
        time.sleep(interval)


def run(cmd, check=True, timeout=15, input=None, env=None):
    """Run a command, capture text output; raise with the output on failure."""
    cp = subprocess.run(cmd, input=input, capture_output=True, text=True,
                        timeout=timeout, env=env)
    if check and cp.returncode != 0:
        raise RuntimeError(
            f"command {cmd!r} failed with {cp.returncode}\n"
            f"stdout: {cp.stdout}\nstderr: {cp.stderr}")
    return cp


def ns_cmd(ns: str, cmd):
    return ["ip", "netns", "exec", ns] + list(cmd)


def ns_run(ns: str, cmd, **kw):
    return run(ns_cmd(ns, cmd), **kw)


def parse_ts(text):
    """edgebfdctl timestamp ("2026-11-23T09:41:48.123456Z") -> aware datetime."""
    if text is None:
        return None
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def family_of(addr: str) -> int:
    return 6 if ipaddress.ip_address(addr.split("%")[0]).version == 6 else 4


def same_addr(a: str, b: str) -> bool:
    try:
        return ipaddress.ip_address(a.split("%")[0]) == ipaddress.ip_address(b.split("%")[0])
    except ValueError:
        return a == b


# --------------------------------------------------------------------------
# processes


class Proc:
    """A process started by PID, its stdout+stderr captured in a log file."""

    def __init__(self, name, argv, log_path, env=None):
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.popen = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                      stdout=self._log, stderr=subprocess.STDOUT,
                                      env=env, start_new_session=True)
        self.pid = self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def send_signal(self, sig):
        if self.alive():
            os.kill(self.pid, sig)

    def wait_exit(self, timeout):
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        """Signal by PID, wait; SIGKILL (still by PID) if it does not exit."""
        rc = self.popen.poll()
        if rc is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass
            rc = self.wait_exit(timeout)
            if rc is None:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                rc = self.popen.wait(timeout=5)
        if not self._log.closed:
            self._log.close()
        return rc

    def log(self) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""


# --------------------------------------------------------------------------
# namespaces and links

_SYSCTLS = [
    # No DAD: addresses (including link-local) are usable at once.
    "net.ipv6.conf.all.accept_dad=0",
    "net.ipv6.conf.default.accept_dad=0",
    "net.ipv6.conf.all.dad_transmits=0",
    "net.ipv6.conf.default.dad_transmits=0",
    # No router solicitations / autoconf noise.
    "net.ipv6.conf.default.router_solicitations=0",
    "net.ipv6.conf.default.accept_ra=0",
    "net.ipv6.conf.all.accept_ra=0",
    # The wrong-interface test needs a packet from a known source to be
    # delivered on another interface: no reverse-path filter.
    "net.ipv4.conf.all.rp_filter=0",
    "net.ipv4.conf.default.rp_filter=0",
]


class Namespace:
    def __init__(self, lab: "Lab", role: str):
        self.lab = lab
        self.role = role
        self.name = f"{lab.prefix}-{role}"
        run(["ip", "netns", "add", self.name])
        self.created = True
        self.run(["ip", "link", "set", "lo", "up"])
        self.run(["sysctl", "-qw"] + _SYSCTLS)

    def __str__(self):
        return self.name

    def cmd(self, argv):
        return ns_cmd(self.name, argv)

    def run(self, argv, **kw):
        return ns_run(self.name, argv, **kw)

    def ip(self, *args, **kw):
        return run(["ip", "-n", self.name] + list(args), **kw)

    def ip_json(self, *args):
        out = run(["ip", "-j", "-n", self.name] + list(args)).stdout
        return json.loads(out) if out.strip() else []

    def ip_batch(self, lines, timeout=60):
        """Run many ip commands in one process (`ip -n NS -batch -`), e.g.
        ["route add 10.0.0.0/24 via 192.0.2.2", ...]: 1,000 routes in ~60 ms."""
        text = "".join(line.rstrip("\n") + "\n" for line in lines)
        return run(["ip", "-n", self.name, "-batch", "-"], input=text, timeout=timeout)

    def routes(self, *selector, family=4, table="main"):
        """`ip -j -4|-6 route show table TABLE SELECTOR...` as a list of dicts
        (multipath routes have "nexthops"; nhid routes have "nhid" and the
        group's paths expanded as the kernel reports them)."""
        return self.ip_json("-6" if family == 6 else "-4", "route", "show",
                            "table", str(table), *selector)

    def nexthops(self):
        """`ip -j nexthop show` as a dict id -> object."""
        return {nh["id"]: nh for nh in self.ip_json("nexthop", "show")}

    def iface_sysctls(self, ifname):
        self.run(["sysctl", "-qw",
                  f"net.ipv6.conf.{ifname}.accept_dad=0",
                  f"net.ipv4.conf.{ifname}.rp_filter=0"])

    def add_addr(self, ifname, cidr):
        args = ["addr", "add", cidr, "dev", ifname]
        if ":" in cidr:
            args.append("nodad")
        self.ip(*args)

    def del_addr(self, ifname, cidr):
        self.ip("addr", "del", cidr, "dev", ifname)

    def addrs(self, ifname):
        data = self.ip_json("addr", "show", "dev", ifname)
        return data[0].get("addr_info", []) if data else []

    def link_local(self, ifname, timeout=3.0):
        def ll():
            for a in self.addrs(ifname):
                if a.get("family") == "inet6" and a.get("scope") == "link":
                    return a["local"]
            return None
        return wait_for(ll, timeout, message=f"link-local address on {self.name}/{ifname}")

    def wait_addrs_ready(self, ifname, timeout=3.0):
        """No tentative (DAD pending) address left on ifname and link is up."""
        def ready():
            for a in self.addrs(ifname):
                if a.get("tentative") or a.get("dadfailed"):
                    return False
            link = self.ip_json("link", "show", "dev", ifname)
            return bool(link) and "LOWER_UP" in link[0].get("flags", [])
        wait_for(ready, timeout, message=f"addresses ready on {self.name}/{ifname}")

    def pids(self):
        out = run(["ip", "netns", "pids", self.name], check=False).stdout
        return [int(p) for p in out.split()]

    def delete(self):
        if not self.created:
            return
        # Anything still running in our own namespace was started by us.
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        run(["ip", "netns", "del", self.name], check=False)
        self.created = False


class Link:
    """hostA:ifA <-veth-> switch:port bridge br <-veth-> hostB:ifB.

    cut() disables the bridge port on A's side (carrier stays up on both
    hosts), restore() sets it forwarding again.
    """

    def __init__(self, lab, a: Namespace, a_if, b: Namespace, b_if, switch: Namespace, bridge):
        self.a, self.a_if, self.b, self.b_if = a, a_if, b, b_if
        self.switch, self.bridge = switch, bridge
        self.ports = []
        switch.ip("link", "add", bridge, "type", "bridge", "stp_state", "0",
                  "mcast_snooping", "0", "forward_delay", "0")
        switch.ip("link", "set", bridge, "up")
        for host, ifname in ((a, a_if), (b, b_if)):
            port = f"{bridge}-{len(self.ports)}"
            # Created directly in the namespaces: no name ever exists in the
            # root namespace, so parallel runs cannot collide.
            switch.ip("link", "add", port, "type", "veth", "peer", "name", ifname,
                      "netns", host.name)
            switch.ip("link", "set", port, "master", bridge)
            switch.ip("link", "set", port, "up")
            host.iface_sysctls(ifname)
            host.ip("link", "set", ifname, "up")
            self.ports.append(port)

    def port_state(self):
        out = self.switch.run(["bridge", "-j", "link", "show", "dev", self.ports[0]]).stdout
        return json.loads(out)[0].get("state")

    def cut(self):
        """Returns the wall-clock time the bridge command returned: no packet
        passes after it (one may still pass while the command starts)."""
        self.switch.run(["bridge", "link", "set", "dev", self.ports[0], "state", "0"])
        done = time.time()
        assert self.port_state() == "disabled"
        return done

    def restore(self):
        """Returns the wall-clock time the bridge command returned."""
        self.switch.run(["bridge", "link", "set", "dev", self.ports[0], "state", "3"])
        done = time.time()
        assert self.port_state() == "forwarding"
        return done


class Lab:
    """Owns namespaces, links, processes and directories; cleanup() undoes all."""

    def __init__(self, base_tmp=None):
        self.prefix = run_prefix()
        self.tmp = tempfile.mkdtemp(prefix=self.prefix + "-", dir=base_tmp)
        self._cleanups = []  # LIFO
        self.namespaces = {}
        self.procs = []

    def on_cleanup(self, fn):
        self._cleanups.append(fn)

    def ns(self, role) -> Namespace:
        ns = Namespace(self, role)
        self.namespaces[role] = ns
        self.on_cleanup(ns.delete)
        return ns

    def link(self, a, a_if, b, b_if, switch, bridge) -> Link:
        return Link(self, a, a_if, b, b_if, switch, bridge)

    def spawn(self, name, ns: Namespace | None, argv, env=None) -> Proc:
        log = os.path.join(self.tmp, f"{name}.log")
        full = ns.cmd(argv) if ns is not None else list(argv)
        p = Proc(name, full, log, env=env)
        self.procs.append(p)
        self.on_cleanup(p.stop)
        return p

    def logs(self) -> str:
        parts = []
        for p in self.procs:
            text = p.log()
            if len(text) > 6000:
                text = "...\n" + text[-6000:]
            parts.append(f"===== {p.name} (pid {p.pid}, rc {p.popen.poll()}) =====\n{text}")
        return "\n".join(parts)

    def cleanup(self):
        errors = []
        while self._cleanups:
            fn = self._cleanups.pop()
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - keep cleaning
                errors.append(f"{fn}: {exc}")
        if os.environ.get("EBT_KEEP_LOGS"):
            print(f"logs kept in {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if errors:
            raise RuntimeError("cleanup errors: " + "; ".join(errors))


# --------------------------------------------------------------------------
# FRRouting


class FrrInstance:
    """Private zebra + bfdd in a namespace with FRR's pathspace option -N.

    Config dir /etc/frr/NAME, runtime dir /var/run/frr/NAME (both owned by
    frr:frr because the daemons drop to user frr), removed on cleanup.
    """

    def __init__(self, lab: Lab, ns: Namespace, name=None):
        self.lab, self.ns = lab, ns
        self.name = name or f"{lab.prefix}{ns.role}"
        self.etc = os.path.join(FRR_ETC, self.name)
        self.rundir = os.path.join(FRR_RUN, self.name)
        self.peers_cfg = {}  # peer address -> key command
        self.zebra = self.bfdd = None

    def _mkdirs(self):
        for d in (self.etc, self.rundir):
            os.makedirs(d, exist_ok=True)
            shutil.chown(d, "frr", "frr")
            os.chmod(d, 0o755)
        self.lab.on_cleanup(self._rmdirs)
        with open(os.path.join(self.etc, "vtysh.conf"), "w") as f:
            f.write("service integrated-vtysh-config\n")
        with open(os.path.join(self.etc, "frr.conf"), "w") as f:
            f.write("!\n")
        for fn in ("vtysh.conf", "frr.conf"):
            shutil.chown(os.path.join(self.etc, fn), "frr", "frr")

    def _rmdirs(self):
        # only our own pathspace dirs, never /etc/frr or /var/run/frr
        for d in (self.etc, self.rundir):
            if os.path.basename(d) == self.name and self.name.startswith("ebt"):
                shutil.rmtree(d, ignore_errors=True)

    def _daemon(self, daemon, extra=()):
        argv = [os.path.join(FRR_DIR, daemon), "-N", self.name, "-P", "0",
                "--log", "stdout", "--log-level", "debugging"] + list(extra)
        return self.lab.spawn(f"{self.name}-{daemon}", self.ns, argv)

    def start(self, timeout=10.0, bfdd_args=()):
        self._mkdirs()
        # bfdd learns interfaces (ifindex, addresses) from zebra: without
        # zebra a peer with "interface X" never comes up.
        self.zebra = self._daemon("zebra")
        wait_for(lambda: os.path.exists(os.path.join(self.rundir, "zserv.api"))
                 and self._vtysh_ok("show interface brief"),
                 timeout, message=f"zebra {self.name} up", interval=0.05)
        self.bfdd = self._daemon("bfdd", bfdd_args)
        wait_for(lambda: self._check_alive() and isinstance(self.peers(), list),
                 timeout, message=f"bfdd {self.name} answering", interval=0.05)
        return self

    def _check_alive(self):
        for p in (self.zebra, self.bfdd):
            if p is not None and not p.alive():
                raise Fatal(f"{p.name} exited: {p.log()[-2000:]}")
        return True

    def wait_interface(self, ifname, timeout=5.0):
        wait_for(lambda: "is up" in self.vtysh(f"show interface {ifname}"),
                 timeout, message=f"zebra {self.name} sees {ifname} up")

    def _vtysh_ok(self, command):
        return run([VTYSH, "-N", self.name, "-c", command], check=False).returncode == 0

    def vtysh(self, *commands, check=True):
        argv = [VTYSH, "-N", self.name]
        for c in commands:
            argv += ["-c", c]
        cp = run(argv, check=check)
        # vtysh reports config errors with "%" but may exit 0
        if check and re.search(r"^% ", cp.stdout, re.M):
            raise RuntimeError(f"vtysh {commands!r}: {cp.stdout}")
        return cp.stdout

    def configure_peer(self, peer, interface=None, local=None, transmit_ms=None,
                       receive_ms=None, multiplier=None, shutdown=None):
        key = self.peers_cfg.get(peer)
        if key is None:
            key = f"peer {peer}"
            if local:
                key += f" local-address {local}"
            if interface:
                key += f" interface {interface}"
            self.peers_cfg[peer] = key
        cmds = ["configure terminal", "bfd", key]
        if transmit_ms is not None:
            cmds.append(f"transmit-interval {transmit_ms}")
        if receive_ms is not None:
            cmds.append(f"receive-interval {receive_ms}")
        if multiplier is not None:
            cmds.append(f"detect-multiplier {multiplier}")
        if shutdown is True:
            cmds.append("shutdown")
        elif shutdown is False:
            cmds.append("no shutdown")
        cmds.append("end")
        self.vtysh(*cmds)

    def remove_peer(self, peer):
        key = self.peers_cfg.pop(peer)
        self.vtysh("configure terminal", "bfd", f"no {key}", "end")

    def peers(self):
        return json.loads(self.vtysh("show bfd peers json"))

    def peer(self, peer):
        """The 'show bfd peer X json' object (looked up in the full list so
        the address form does not matter); None if unknown."""
        for p in self.peers():
            if same_addr(p.get("peer", ""), peer):
                return p
        return None

    @staticmethod
    def negotiated_ms(p):
        """(tx, rx, detect) in ms that FRR 8.4 uses, from its JSON: it only
        shows configured and remote values, so apply RFC 5880 6.8.2/6.8.4."""
        tx = max(p["transmit-interval"], p["remote-receive-interval"])
        rx = max(p["receive-interval"], p["remote-transmit-interval"])
        return tx, rx, rx * p["remote-detect-multiplier"]

    def stop(self):
        for p in (self.bfdd, self.zebra):
            if p is not None:
                p.stop()


# --------------------------------------------------------------------------
# BIRD

BIRD_AUTH = {
    None: None,
    "none": None,
    "simple-password": "simple",
    "keyed-md5": "keyed md5",
    "meticulous-keyed-md5": "meticulous keyed md5",
    "keyed-sha1": "keyed sha1",
    "meticulous-keyed-sha1": "meticulous keyed sha1",
}


class BirdInstance:
    """bird -f -c CONF -s SOCK in a namespace with one `protocol bfd`.

    BIRD 2.0.12 takes BFD options per interface pattern, not per neighbor:
    set_interface() sets them for every neighbor on that interface.
    """

    PROTO = "bfd1"

    def __init__(self, lab: Lab, ns: Namespace, router_id="192.0.2.254"):
        self.lab, self.ns = lab, ns
        self.dir = os.path.join(lab.tmp, f"bird-{ns.role}")
        os.makedirs(self.dir, exist_ok=True)
        self.conf = os.path.join(self.dir, "bird.conf")
        self.sock = os.path.join(self.dir, "bird.ctl")
        self.router_id = router_id
        self.interfaces = {}
        self.neighbors = []
        self.proc = None

    def set_interface(self, ifname, interval_ms=None, min_rx_ms=None, min_tx_ms=None,
                      multiplier=None, auth=None, key_id=1, secret=None):
        self.interfaces[ifname] = dict(interval_ms=interval_ms, min_rx_ms=min_rx_ms,
                                       min_tx_ms=min_tx_ms, multiplier=multiplier,
                                       auth=auth, key_id=key_id, secret=secret)

    def add_neighbor(self, addr, dev=None, local=None):
        self.neighbors.append((addr, dev, local))

    def render(self):
        lines = ["log stderr all;", f"router id {self.router_id};",
                 "timeformat protocol iso long ms;",
                 "protocol device { scan time 1; }",
                 f"protocol bfd {self.PROTO} {{"]
        for ifname, o in self.interfaces.items():
            lines.append(f'  interface "{ifname}" {{')
            if o["interval_ms"] is not None:
                lines.append(f"    interval {o['interval_ms']} ms;")
            if o["min_rx_ms"] is not None:
                lines.append(f"    min rx interval {o['min_rx_ms']} ms;")
            if o["min_tx_ms"] is not None:
                lines.append(f"    min tx interval {o['min_tx_ms']} ms;")
            if o["multiplier"] is not None:
                lines.append(f"    multiplier {o['multiplier']};")
            bauth = BIRD_AUTH[o["auth"]]
            if bauth:
                lines.append(f"    authentication {bauth};")
                lines.append(f'    password "{o["secret"]}" {{ id {o["key_id"]}; }};')
            lines.append("  };")
        for addr, dev, local in self.neighbors:
            s = f"  neighbor {addr}"
            if dev:
                s += f' dev "{dev}"'      # BIRD grammar: dev before local
            if local:
                s += f" local {local}"
            lines.append(s + ";")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def write_config(self):
        with open(self.conf, "w") as f:
            f.write(self.render())
        run([BIRD, "-p", "-c", self.conf])  # syntax check, raises with message

    def start(self, timeout=10.0):
        self.write_config()
        self.proc = self.lab.spawn(f"bird-{self.ns.role}", self.ns,
                                   [BIRD, "-f", "-c", self.conf, "-s", self.sock])

        def ready():
            if not self.proc.alive():
                raise Fatal(f"bird exited: {self.proc.log()[-2000:]}")
            return "Daemon is up and running" in self.birdc("show status", check=False)
        wait_for(ready, timeout, interval=0.05, message="bird control socket")
        return self

    def reconfigure(self):
        self.write_config()
        out = self.birdc("configure")
        if "Reconfigured" not in out and "Reconfiguration in progress" not in out:
            raise RuntimeError(f"bird configure: {out}")

    def birdc(self, command, check=True):
        cp = run([BIRDC, "-s", self.sock] + command.split(), check=check, input="")
        return cp.stdout

    _ROW = re.compile(
        r"^(?P<peer>\S+)\s+(?P<interface>\S+)\s+(?P<state>Up|Down|Init|AdminDown)\s+"
        r"(?P<since>.+?)\s+(?P<interval>\d+\.\d+)\s+(?P<timeout>\d+\.\d+)\s*$")

    def sessions(self):
        """`show bfd sessions` as dicts: peer, interface, state (lower case),
        since, interval_ms (negotiated TX: max(local des tx, remote req rx)),
        timeout_ms (detection time: max(local req rx, remote des tx) * remote mult).
        """
        out = self.birdc(f"show bfd sessions {self.PROTO}")
        res = []
        for line in out.splitlines():
            m = self._ROW.match(line.strip())
            if not m:
                continue
            d = m.groupdict()
            d["state"] = d["state"].lower()
            d["interval_ms"] = round(float(d.pop("interval")) * 1000)
            d["timeout_ms"] = round(float(d.pop("timeout")) * 1000)
            res.append(d)
        return res

    def session(self, peer):
        for s in self.sessions():
            if same_addr(s["peer"], peer):
                return s
        return None

    def stop(self):
        if self.proc is not None:
            self.proc.stop()


# --------------------------------------------------------------------------
# edgebfdd


def _dur(v):
    """300 -> '300ms'; strings pass unchanged (units are mandatory)."""
    return f"{v}ms" if isinstance(v, int) else v


class Edgebfdd:
    """Wrapper around edgebfdd/edgebfdctl per the daemon's CLI contract."""

    def __init__(self, lab: Lab, ns: Namespace, name="edgebfdd", exe=None, ctl=None):
        self.lab, self.ns, self.name = lab, ns, name
        self.exe = exe or os.environ.get("EDGEBFDD")
        if not self.exe:
            raise RuntimeError("EDGEBFDD is not set: point it at the built edgebfdd "
                               "(meson test sets it)")
        self.ctl_exe = ctl or os.environ.get("EDGEBFDCTL") or os.path.join(
            os.path.dirname(self.exe), "edgebfdctl")
        for p in (self.exe, self.ctl_exe):
            if not os.access(p, os.X_OK):
                raise RuntimeError(f"not an executable: {p}")
        self.dir = os.path.join(lab.tmp, f"{name}-{ns.role}")
        os.makedirs(self.dir, exist_ok=True)
        self.conf = os.path.join(self.dir, "edgebfdd.conf")
        self.sock = os.path.join(self.dir, "control.sock")
        self.defaults = {"transmit-interval": "300ms", "receive-interval": "300ms",
                         "detect-multiplier": 3}
        self.sessions_cfg = {}
        self.daemon_cfg = {}  # [daemon] keys besides control-socket
        self.proc = None
        self.expected_rc = 0  # a test that wants a failed start sets it

    # -- config
    def set_defaults(self, transmit=None, receive=None, multiplier=None):
        if transmit is not None:
            self.defaults["transmit-interval"] = _dur(transmit)
        if receive is not None:
            self.defaults["receive-interval"] = _dur(receive)
        if multiplier is not None:
            self.defaults["detect-multiplier"] = multiplier

    def add_session(self, name, interface, local, peer, transmit=None, receive=None,
                    multiplier=None, auth_type=None, auth_key_id=None, auth_secret=None):
        s = {"interface": interface, "local-address": local, "peer-address": peer}
        if transmit is not None:
            s["transmit-interval"] = _dur(transmit)
        if receive is not None:
            s["receive-interval"] = _dur(receive)
        if multiplier is not None:
            s["detect-multiplier"] = multiplier
        if auth_type:
            s["auth-type"] = auth_type
            s["auth-key-id"] = auth_key_id if auth_key_id is not None else 1
            s["auth-secret"] = auth_secret
        self.sessions_cfg[name] = s

    def update_session(self, name, **kv):
        for k, v in kv.items():
            key = k.replace("_", "-")
            if key in ("transmit-interval", "receive-interval", "transmit", "receive"):
                key = key if key.endswith("interval") else key + "-interval"
                v = _dur(v)
            self.sessions_cfg[name][key] = v

    def set_keys(self, section=None, **kv):
        """Set any keys (underscores become dashes, values written as given)
        in [defaults] (section None) or in [session SECTION], e.g.
        set_keys("primary", on_down="demote", hold_down="2s")."""
        target = self.defaults if section is None else self.sessions_cfg[section]
        for k, v in kv.items():
            target[k.replace("_", "-")] = v

    def set_state_directory(self, path=None):
        """[daemon] state-directory, by default a directory of this daemon's
        own in the lab's tmp dir (created here). Returns the path."""
        path = path or os.path.join(self.dir, "state")
        os.makedirs(path, exist_ok=True)
        self.daemon_cfg["state-directory"] = path
        return path

    def state_file(self, session):
        """<state-directory>/<session>.routes (set_state_directory first)."""
        return os.path.join(self.daemon_cfg["state-directory"], f"{session}.routes")

    def render(self):
        out = ["[daemon]", f"control-socket = {self.sock}"]
        out += [f"{k} = {v}" for k, v in self.daemon_cfg.items()]
        out += ["", "[defaults]"]
        out += [f"{k} = {v}" for k, v in self.defaults.items()]
        for name, s in self.sessions_cfg.items():
            out += ["", f"[session {name}]"] + [f"{k} = {v}" for k, v in s.items()]
        return "\n".join(out) + "\n"

    def write_config(self):
        with open(self.conf, "w") as f:
            f.write(self.render())

    def check_config(self):
        cp = run([self.exe, "--check-config", "-c", self.conf], check=False)
        return cp.returncode, cp.stdout + cp.stderr

    # -- lifecycle
    def start(self, timeout=5.0):
        self.write_config()
        self.proc = self.lab.spawn(f"{self.name}-{self.ns.role}", self.ns,
                                   [self.exe, "-c", self.conf])
        # Runs before the plain stop registered by spawn (cleanups are LIFO).
        self.lab.on_cleanup(self.stop_checked)

        def ready():
            if not self.proc.alive():
                raise Fatal(f"edgebfdd exited {self.proc.popen.poll()}: "
                                   f"{self.proc.log()[-2000:]}")
            return isinstance(self.sessions(), list)
        wait_for(ready, timeout, interval=0.02, message="edgebfdctl --json sessions answers")
        return self

    def reload(self):
        """Rewrite the config and SIGHUP (by PID)."""
        self.write_config()
        self.proc.send_signal(signal.SIGHUP)

    def stop(self, timeout=5.0):
        return self.proc.stop(signal.SIGTERM, timeout) if self.proc else None

    def stop_checked(self):
        """SIGTERM, then require a clean exit: status 0 and no sanitizer
        report (the suite also runs against an ASan+UBSan build)."""
        rc = self.stop()
        log = self.proc.log()
        if rc != self.expected_rc or "Sanitizer" in log or "runtime error:" in log:
            raise RuntimeError(f"{self.name} did not exit cleanly (status {rc}):\n"
                               f"{log[-4000:]}")

    # -- control
    def ctl(self, *args, check=True):
        cp = run([self.ctl_exe, "-s", self.sock] + list(args), check=check, timeout=5)
        return cp.stdout

    def sessions(self):
        return json.loads(self.ctl("--json", "sessions"))

    def session(self, name):
        for s in self.sessions():
            if s["name"] == name:
                return s
        raise KeyError(f"no session {name!r} in edgebfdctl output")

    def ctl_result(self, *args):
        """edgebfdctl without a status check: the CompletedProcess."""
        return run([self.ctl_exe, "-s", self.sock] + list(args), check=False, timeout=5)

    def drops(self):
        return json.loads(self.ctl("--json", "drops"))

    def routes(self, name):
        """`edgebfdctl --json routes NAME`: the routes a session has withdrawn
        or demoted."""
        return json.loads(self.ctl("--json", "routes", name))

    def disable(self, name):
        self.ctl("session", name, "disable")

    def enable(self, name):
        self.ctl("session", name, "enable")

    def wait_state(self, name, state, timeout, **match):
        def ok():
            s = self.session(name)
            if s["state"] != state:
                return None
            for k, v in match.items():
                if s.get(k) != v:
                    return None
            return s
        return wait_for(ok, timeout,
                        message=lambda: f"{self.name} session {name} state {state} {match}"
                        f" (now {self._brief(name)})")

    def _brief(self, name):
        try:
            s = self.session(name)
            return {k: s.get(k) for k in ("state", "remote_state", "local_diag",
                                          "remote_diag", "packets_rx", "packets_tx")}
        except Exception as exc:  # noqa: BLE001
            return f"<{exc}>"


# --------------------------------------------------------------------------
# watching the kernel's routes


class RouteMonitor:
    """`ip -ts monitor route nexthop` in a namespace: every route and nexthop
    change as the kernel announced it, stamped (wall clock, microseconds) when
    ip read it, so a stamp is an upper bound of when the change happened.

    events() -> [(unix time, text)], multi-line events (multipath) joined
    with newlines. Routes are always watched (the readiness marker is one).
    Started before the changes to watch; ready once a marker
    route (unreachable, in table MARK_TABLE) has come through."""

    MARK_TABLE = 4242
    MARK = "198.18.255.254/32"
    _count = itertools.count()

    def __init__(self, lab, ns, objects=("route", "nexthop")):
        self.ns = ns
        objects = tuple(dict.fromkeys(("route",) + tuple(objects)))  # the marker is a route
        self.proc = lab.spawn(f"monitor-{ns.role}-{next(self._count)}", None,
                              ["ip", "-n", ns.name, "-ts", "monitor"] + list(objects))
        mark = ["unreachable", self.MARK, "table", str(self.MARK_TABLE)]

        def seen():
            # Until ip has subscribed a change goes unseen: add and delete
            # the marker again (replacing a route by itself is no change).
            for op in ("add", "del"):
                if not self.proc.alive():
                    raise Fatal(f"ip monitor exited: {self.proc.log()[-500:]}")
                ns.ip("route", op, *mark, check=False)
                time.sleep(0.01)
                if self.MARK.split("/")[0] in self.proc.log():
                    return True
            return False
        wait_for(seen, 3.0, message=f"ip monitor running in {ns.name}")
        ns.ip("route", "del", *mark, check=False)

    _STAMP = re.compile(r"^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)\]\s?(.*)$")

    def events(self):
        out = []
        for line in self.proc.log().splitlines():
            m = self._STAMP.match(line)
            if m:
                # ip prints local time
                ts = _dt.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f").timestamp()
                out.append([ts, m.group(2)])
            elif out and line.strip():
                out[-1][1] += "\n" + line.strip()
        return [tuple(e) for e in out if self.MARK.split("/")[0] not in e[1]]

    def stop(self):
        self.proc.stop()


# --------------------------------------------------------------------------
# BFD control packets and the sender


def bfd_packet(version=1, diag=0, state=3, flags=0, mult=3, length=None,
               my_discr=1, your_discr=0, des_min_tx=1_000_000, req_min_rx=1_000_000,
               req_min_echo=0, auth=b"", pad=b""):
    """RFC 5880 4.1 control packet. state: 0 AdminDown 1 Down 2 Init 3 Up.
    flags: P 0x20 F 0x10 C 0x08 A 0x04 D 0x02 M 0x01. length defaults to
    the real length; pad adds bytes not counted unless length is None."""
    if auth:
        flags |= 0x04
    body_len = 24 + len(auth)
    if length is None:
        length = body_len + len(pad)
    hdr = struct.pack("!BBBBIIIII", ((version & 7) << 5) | (diag & 31),
                      ((state & 3) << 6) | (flags & 0x3F), mult, length,
                      my_discr, your_discr, des_min_tx, req_min_rx, req_min_echo)
    return hdr + auth + pad


def simple_password_auth(password=b"secret", key_id=1):
    return struct.pack("!BBB", 1, 3 + len(password), key_id) + password


def _bind_source_port(sock, addr):
    last = None
    for port in range(49152 + (os.getpid() % 4000), 65536):
        try:
            sock.bind((addr, port) if ":" not in addr else (addr, port, 0, 0))
            return port
        except OSError as exc:
            last = exc
    raise last


def send_packets(src, dst, packets, ttl=255, device=None, scope_dev=None):
    """Send raw BFD payloads over UDP from src (port 49152+) to dst:3784.
    Runs in the *current* namespace; see send_in_ns()."""
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    try:
        if device:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, device.encode())
        if fam == socket.AF_INET:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
            # allow a source address that is not on the egress interface
            s.setsockopt(socket.IPPROTO_IP, 15, 1)  # IP_FREEBIND
            _bind_source_port(s, src)
            target = (dst, BFD_PORT)
        else:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, ttl)
            s.setsockopt(socket.IPPROTO_IPV6, 78, 1)  # IPV6_FREEBIND
            scope = socket.if_nametoindex(scope_dev or device) if (scope_dev or device) else 0
            port = None
            for p in range(49152 + (os.getpid() % 4000), 65536):
                try:
                    s.bind((src, p, 0, scope if src.lower().startswith("fe80") else 0))
                    port = p
                    break
                except OSError:
                    continue
            if port is None:
                raise OSError("no source port")
            target = (dst, BFD_PORT, 0, scope if dst.lower().startswith("fe80") else 0)
        for pkt in packets:
            s.sendto(pkt, target)
    finally:
        s.close()


def send_in_ns(ns: Namespace, src, dst, packets, ttl=255, device=None):
    """Run this file as the sender inside ns (sockets belong to the netns of
    the process that opens them)."""
    argv = [sys.executable, os.path.abspath(__file__), "send", "--src", src, "--dst", dst,
            "--ttl", str(ttl)]
    if device:
        argv += ["--device", device]
    for p in packets:
        argv += ["--hex", p.hex()]
    ns.run(argv)


def _main(argv=None):
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("send")
    sp.add_argument("--src", required=True)
    sp.add_argument("--dst", required=True)
    sp.add_argument("--ttl", type=int, default=255)
    sp.add_argument("--device")
    sp.add_argument("--hex", action="append", default=[])
    a = ap.parse_args(argv)
    if a.cmd == "send":
        send_packets(a.src, a.dst, [bytes.fromhex(h) for h in a.hex], ttl=a.ttl,
                     device=a.device)
    return 0


_CAPTURE = r"""
import json, socket, struct, sys
fam = int(sys.argv[1]); out = sys.argv[2]
if fam == 4:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, 8, 1)   # IP_PKTINFO
    s.setsockopt(socket.IPPROTO_IP, 12, 1)  # IP_RECVTTL
    s.setsockopt(socket.IPPROTO_IP, 13, 1)  # IP_RECVTOS
    s.bind(("0.0.0.0", 3784))
else:
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
    s.setsockopt(socket.IPPROTO_IPV6, 66, 1)  # IPV6_RECVTCLASS
    s.bind(("::", 3784))
open(out + ".ready", "w").close()
while True:
    data, anc, flags, addr = s.recvmsg(2048, 256)
    ttl = ifindex = tos = None
    for level, typ, d in anc:
        if fam == 4 and typ == 8:
            ifindex = struct.unpack("i", d[:4])[0]
        elif fam == 4 and typ == 2:
            ttl = struct.unpack("i", d[:4])[0]
        elif fam == 4 and typ == 1:
            tos = d[0]
        elif fam == 6 and typ == socket.IPV6_PKTINFO:
            ifindex = struct.unpack("I", d[16:20])[0]
        elif fam == 6 and typ == socket.IPV6_HOPLIMIT:
            ttl = struct.unpack("i", d[:4])[0]
        elif fam == 6 and typ == 67:  # IPV6_TCLASS
            tos = struct.unpack("i", d[:4])[0]
    with open(out, "a") as f:
        f.write(json.dumps({"src": addr[0], "sport": addr[1], "ttl": ttl, "tos": tos,
                            "ifname": socket.if_indextoname(ifindex),
                            "data": data.hex()}) + "\n")
"""


class Capture:
    """A UDP socket on port 3784 in a namespace that records every packet
    with its source, source port, ingress interface, TTL / hop limit and
    TOS / traffic class. Nothing else may listen on 3784 there."""

    _count = itertools.count()

    def __init__(self, lab, ns, fam):
        self.out = os.path.join(lab.tmp, f"capture{next(self._count)}.json")
        self.proc = lab.spawn(f"capture-{ns.role}", ns,
                              [sys.executable, "-c", _CAPTURE, str(fam), self.out])
        wait_for(lambda: os.path.exists(self.out + ".ready"), 3.0,
                 message="capture socket ready")

    def packets(self):
        try:
            with open(self.out) as f:
                return [json.loads(line) for line in f if line.strip()]
        except OSError:
            return []

    def wait_packets(self, n, timeout=3.0):
        return wait_for(lambda: (lambda p: p if len(p) >= n else None)(self.packets()),
                        timeout, message=f"{n} packets captured")

    def stop(self):
        self.proc.stop()


class PacketStamps:
    """tcpdump on one interface of a namespace, incoming packets matching a
    pcap filter only: times() are the kernel's capture stamps (unix time,
    microseconds), taken when the packet arrived, whoever reads it."""

    TCPDUMP = "tcpdump"
    _count = itertools.count()

    def __init__(self, lab, ns, ifname, pcap_filter, timeout=5.0):
        self.proc = lab.spawn(f"tcpdump-{ns.role}-{ifname}-{next(self._count)}", ns,
                              [self.TCPDUMP, "-i", ifname, "-n", "-tt", "-l", "-Q", "in",
                               "--immediate-mode", pcap_filter])

        def listening():
            if not self.proc.alive():
                raise Fatal(f"tcpdump exited: {self.proc.log()[-500:]}")
            return "listening on" in self.proc.log()
        wait_for(listening, timeout, message=f"tcpdump listening on {ns.name}/{ifname}")

    def times(self):
        out = []
        for line in self.proc.log().splitlines():
            stamp = line.split(" ", 1)[0]
            if stamp[:1].isdigit() and "." in stamp:
                out.append(float(stamp))
        return out

    def stop(self):
        self.proc.stop()


# --------------------------------------------------------------------------
# the standard topology


class Topology:
    """ce:eth1 -- sw:br1 -- peer:eth1   (primary)
       ce:eth2 -- sw:br2 -- peer:eth2   (secondary, for wrong-interface)

    Documentation prefixes, inside the namespaces only.
    """

    ADDR = {
        4: {"ce": ["192.0.2.1", "198.51.100.1"], "peer": ["192.0.2.2", "198.51.100.2"],
            "plen": 24},
        6: {"ce": ["2001:db8:1::1", "2001:db8:2::1"], "peer": ["2001:db8:1::2", "2001:db8:2::2"],
            "plen": 64},
    }
    STRANGER = {4: "192.0.2.99", 6: "2001:db8:1::99"}

    def __init__(self, lab: Lab):
        self.lab = lab
        self.ce = lab.ns("ce")
        self.sw = lab.ns("sw")
        self.peer = lab.ns("peer")
        self.link1 = lab.link(self.ce, "eth1", self.peer, "eth1", self.sw, "br1")
        self.link2 = lab.link(self.ce, "eth2", self.peer, "eth2", self.sw, "br2")
        for fam in (4, 6):
            a = self.ADDR[fam]
            for i, ifname in enumerate(("eth1", "eth2")):
                self.ce.add_addr(ifname, f"{a['ce'][i]}/{a['plen']}")
                self.peer.add_addr(ifname, f"{a['peer'][i]}/{a['plen']}")
        for ns in (self.ce, self.peer):
            for ifname in ("eth1", "eth2"):
                ns.wait_addrs_ready(ifname)
                ns.link_local(ifname)

    def addr(self, side, fam, index=0):
        """side 'ce' or 'peer'; fam 4/6/'ll'; index 0 = eth1, 1 = eth2."""
        if fam == "ll":
            ns = self.ce if side == "ce" else self.peer
            return ns.link_local(f"eth{index + 1}")
        return self.ADDR[fam][side][index]


if __name__ == "__main__":
    sys.exit(_main())
