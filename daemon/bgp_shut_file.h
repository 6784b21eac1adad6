/*
 * bgp_shut_file.h - the BGP neighbors edgebfdd has shut in FRR's bgpd, kept
 * in <state-directory>/bgp-shutdown so that none stays shut because
 * edgebfdd died: the next start un-shuts them. A neighbor is written here
 * before its shutdown is sent and removed once its un-shut succeeded. The
 * file is replaced atomically (temporary file, fsync, rename) and removed
 * when empty.
 *
 *   edgebfd-bgp-shutdown 1
 *   ADDRESS VTY-DIR          one line per neighbor (VTY-DIR: frr-vty-dir)
 */
#ifndef EDGEBFD_BGP_SHUT_FILE_H
#define EDGEBFD_BGP_SHUT_FILE_H

#include <netinet/in.h>
#include <stddef.h>

#include "conf.h"

#define BGP_SHUT_FILE_NAME "bgp-shutdown"

struct bgp_shut_entry {
	char address[INET6_ADDRSTRLEN];
	char vty_dir[CONF_FRR_VTY_DIR_MAX];
};

/* Write entries[0..n) into dir (remove the file when n is 0). 0 or -errno. */
int bgp_shut_file_save(const char *dir, const struct bgp_shut_entry *entries, size_t n);

/* Read the file of dir into a new array (*out, free() it; NULL and 0 when
 * there is no file). Returns 0, -errno, or -EINVAL for a file that is not
 * ours (err says why). */
int bgp_shut_file_load(const char *dir, struct bgp_shut_entry **out, size_t *n, char *err,
		       size_t err_len);

#endif
