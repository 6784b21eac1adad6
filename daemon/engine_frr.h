/*
 * engine_frr.h - [daemon] engine = frr-bfdd: FRR's bfdd runs the BFD
 * sessions and edgebfdd follows them. edgebfdd opens no BFD socket and
 * sends nothing; each configured session mirrors the bfdd peer with the
 * same peer address (and local address and interface, where bfdd names
 * them), and its state changes drive the same route and BGP actions as
 * edgebfdd's own sessions.
 *
 * The states come from bfdd's control socket (<frr-vty-dir>/bfdd.sock,
 * FRR 8.4: pushed at once). While that socket cannot be used (later FRR
 * releases dropped it, or bfdd restarts) edgebfdd reads "show bfd peers
 * json" through bfdd's vty every frr-bfdd-poll-interval instead, which
 * adds up to that interval to the reaction time.
 */
#ifndef EDGEBFD_ENGINE_FRR_H
#define EDGEBFD_ENGINE_FRR_H

#include <stdbool.h>

struct daemon;

/* Start following bfdd (no-op with engine = edgebfdd). 0 or -errno. */
int engine_frr_start(struct daemon *d);

/* Stop following; accepts a daemon that never started it. */
void engine_frr_stop(struct daemon *d);

/* After a reload: sessions new in the config learn their bfdd peers'
 * states now; a new frr-vty-dir means another bfdd to follow. */
void engine_frr_reloaded(struct daemon *d);

/* Whether the sessions follow FRR's bfdd instead of running libbfd. */
bool engine_frr_active(const struct daemon *d);

#endif
