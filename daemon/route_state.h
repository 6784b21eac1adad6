/*
 * route_state.h - the state file of a session's route changes, so that no
 * route stays withdrawn because edgebfdd died: <state-directory>/NAME.routes,
 * replaced atomically (write a temporary file, fsync, rename) after every
 * action and restore, removed when nothing is changed any more.
 *
 *   edgebfd-routes 1
 *   session NAME IFNAME LOCAL-ADDRESS PEER-ADDRESS
 *   <change> <original hex> [<installed hex>]    one line per change
 *
 * <change> is a name of ra_change_kind_name(); a "via-group" line carries
 * the route key instead of a payload, then the group id and protocol.
 */
#ifndef EDGEBFD_ROUTE_STATE_H
#define EDGEBFD_ROUTE_STATE_H

#include <stddef.h>

#include "conf.h"
#include "route_action.h"

#define ROUTE_STATE_SUFFIX ".routes"

/* The session a state file belongs to. */
struct route_state_owner {
	char name[CONF_NAME_MAX];
	char ifname[IF_NAMESIZE];
	struct conf_addr local, peer;
};

/* Write rec for owner into dir (remove the file if rec is empty).
 * Returns 0 or -errno. */
int route_state_save(const char *dir, const struct route_state_owner *owner,
		     const struct ra_record *rec);

/* Read the file at path. Returns 0, -errno, or -EINVAL for a file that is
 * not a state file (err says why). */
int route_state_load(const char *path, struct route_state_owner *owner, struct ra_record *rec,
		     char *err, size_t err_len);

/* The owner of session conf. */
void route_state_owner_of(const struct conf_session *conf, struct route_state_owner *owner);

#endif
