#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets (run from this directory).

The seeds are valid and near-valid BFD Control packets (RFC 5880 section 4)
and, for the session target, short scripts that bring a session Up, change
its timers, poll it and take it down, so the fuzzer starts deep in the state
machine. The files are kept in git; rerun this only to change them.
"""
import os
import struct

LOCAL = 0x01020304
PEER = 0x0A0B0C0D


def packet(state, my, your, tx=300000, rx=300000, mult=3, diag=0, flags=0, auth=b"", version=1):
    a_bit = 0x04 if auth else 0
    length = 24 + len(auth)
    return struct.pack("!BBBBIIIII", version << 5 | diag, state << 6 | flags | a_bit, mult,
                       length, my, your, tx, rx, 0) + auth


def password(secret):
    return struct.pack("!BBB", 1, 3 + len(secret), 1) + secret


def digest_section(kind, seq, size):
    return struct.pack("!BBBBI", kind, 8 + size, 1, 0, seq) + bytes(size)


def record(step, kind, body):
    return struct.pack("!HBB", step, kind, len(body)) + body


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


d = "corpus/packet-decode"
write(d, "down", packet(1, PEER, 0))
write(d, "up", packet(3, PEER, LOCAL))
write(d, "poll", packet(3, PEER, LOCAL, flags=0x20))
write(d, "final", packet(3, PEER, LOCAL, flags=0x10))
write(d, "admin-down", packet(0, PEER, LOCAL, diag=7))
write(d, "password", packet(1, PEER, 0, auth=password(b"secret")))
write(d, "md5", packet(1, PEER, 0, auth=digest_section(2, 7, 16)))
write(d, "sha1", packet(1, PEER, 0, auth=digest_section(5, 7, 20)))
write(d, "bad-version", packet(1, PEER, 0, version=2))
write(d, "trailing", packet(1, PEER, 0) + b"\0" * 8)
write(d, "short", packet(1, PEER, 0)[:20])

d = "corpus/session-recv"
up = (record(10, 0, packet(1, PEER, 0)) + record(10, 0, packet(3, PEER, LOCAL)))
write(d, "handshake", b"\0" + up + record(3000, 0, packet(3, PEER, LOCAL)))
write(d, "poll", b"\0" + up + record(10, 0, packet(3, PEER, LOCAL, flags=0x20))
      + record(10, 1, struct.pack("!IIB", 50000, 50000, 3))
      + record(10, 0, packet(3, PEER, LOCAL, flags=0x10)))
write(d, "expiry", b"\0" + up + record(20000, 0, b""))
write(d, "peer-admin-down", b"\0" + up + record(10, 0, packet(0, PEER, LOCAL, diag=7)))
write(d, "admin-and-path", b"\0" + up + record(10, 2, b"\1") + record(10, 2, b"\0")
      + up + record(10, 3, b""))
pw = password(b"fuzzkey!")
write(d, "password", b"\1" + record(10, 0, packet(1, PEER, 0, auth=pw))
      + record(10, 0, packet(3, PEER, LOCAL, auth=pw)))
