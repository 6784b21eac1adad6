#!/usr/bin/env python3
"""A scripted BFD peer for test_wire.py: it plays the far end of one
session by hand and reports, as JSON, what the daemon under test sent and
when. It runs inside the peer namespace; the test makes the assertions.

    scripted_peer.py LOCAL_ADDR REMOTE_ADDR

Phases: (1) stay silent and record the daemon's Down packets; (2) send Down
and time the daemon's Init; (3) send Up, answer its Poll, keep the session Up
with packets every 250 ms and record its packets; (4) send a Poll and time
its Final; (5) fall silent and time its Down. Every wait is bounded.
"""
import json
import select
import socket
import struct
import sys
import time

PEER_DISCR = 0x5eed0001
P, F = 0x20, 0x10
DOWN, INIT, UP = 1, 2, 3


def packet(state, your, flags=0, tx=300000, rx=300000, mult=3):
    return struct.pack("!BBBBIIIII", 1 << 5, (state << 6) | flags, mult, 24, PEER_DISCR,
                       your, tx, rx, 0)


def decode(data):
    b0, b1, mult, length, my, your, tx, rx, echo = struct.unpack("!BBBBIIIII", data[:24])
    return {"diag": b0 & 31, "state": b1 >> 6, "poll": bool(b1 & P), "final": bool(b1 & F),
            "demand": bool(b1 & 0x02), "mult": mult, "my": my, "your": your, "tx": tx,
            "rx": rx, "echo": echo}


class Peer:
    def __init__(self, local, remote):
        fam = socket.AF_INET6 if ":" in remote else socket.AF_INET
        self.remote = (remote, 3784)
        self.rx = socket.socket(fam, socket.SOCK_DGRAM)
        self.rx.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", 3784))
        self.tx = socket.socket(fam, socket.SOCK_DGRAM)
        if fam == socket.AF_INET:
            self.tx.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 255)
        else:
            self.tx.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
        self.tx.bind((local, 49999))
        self.their_discr = 0

    def send(self, state, flags=0):
        self.tx.sendto(packet(state, self.their_discr, flags), self.remote)
        return time.monotonic()

    def recv(self, until):
        """The next packet as (monotonic time, fields), or None at `until`."""
        left = until - time.monotonic()
        if left <= 0 or not select.select([self.rx], [], [], left)[0]:
            return None
        data = self.rx.recv(512)
        now = time.monotonic()
        pkt = decode(data)
        self.their_discr = pkt["my"]
        return now, pkt

    def recv_where(self, until, pred):
        while True:
            got = self.recv(until)
            if got is None or pred(got[1]):
                return got


def main():
    peer = Peer(sys.argv[1], sys.argv[2])
    report = {}

    # 1. Silent: the daemon's Down packets, at its slow rate (6.8.3, 6.8.7).
    down = []
    end = time.monotonic() + 3.5
    while (got := peer.recv(end)) is not None:
        down.append({"t": got[0], **got[1]})
    report["down_packets"] = down

    # 2. We say Down: it answers Init at once (state change), addressed to us.
    sent = peer.send(DOWN)
    got = peer.recv_where(sent + 1.0, lambda p: p["state"] != DOWN)
    report["init"] = got and {"latency": got[0] - sent, **got[1]}

    # 3. We say Up: it goes Up at once and starts a Poll (1 s -> 300 ms).
    sent = peer.send(UP)
    got = peer.recv_where(sent + 1.0, lambda p: p["state"] == UP)
    report["up"] = got and {"latency": got[0] - sent, **got[1]}
    up_packets, next_send = [], time.monotonic()
    end = time.monotonic() + 4.0
    while time.monotonic() < end:
        if time.monotonic() >= next_send:
            peer.send(UP)
            next_send += 0.25
        got = peer.recv(min(end, next_send))
        if got is None:
            continue
        up_packets.append({"t": got[0], **got[1]})
        if got[1]["poll"]:
            peer.send(UP, F)
    report["up_packets"] = up_packets

    # 4. We poll: the Final comes without waiting for its timer (6.8.7).
    sent = peer.send(UP, P)
    got = peer.recv_where(sent + 1.0, lambda p: p["final"])
    report["final"] = got and {"latency": got[0] - sent, **got[1]}

    # 5. We fall silent: Down with diag 1 one Detection Time (3 x 300 ms)
    #    after our last packet.
    last = peer.send(UP)
    got = peer.recv_where(last + 3.0, lambda p: p["state"] == DOWN)
    report["detect"] = got and {"after_last_packet": got[0] - last, **got[1]}

    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
