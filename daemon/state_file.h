/*
 * state_file.h - writing edgebfdd's state files (route_state.c,
 * bgp_shut_file.c) so that a crash never leaves half a file: the text goes
 * to "<path>.tmp", is flushed and fsync'ed, and replaces <path> by
 * rename(2), which is atomic.
 */
#ifndef EDGEBFD_STATE_FILE_H
#define EDGEBFD_STATE_FILE_H

#include <stdio.h>

#define STATE_FILE_PATH_MAX 600

struct state_file {
	FILE *f;
	int fd;
	char path[STATE_FILE_PATH_MAX];
	char tmp[STATE_FILE_PATH_MAX + 8];
};

/* Start writing path (mode 0600), through sf->f. 0 or -errno
 * (-ENAMETOOLONG for a path that does not fit). */
int state_file_begin(struct state_file *sf, const char *path);

/* Flush, fsync and rename into place; on any error the temporary file is
 * removed and path is left as it was. 0 or -errno. */
int state_file_commit(struct state_file *sf);

/* Remove path: nothing to keep. 0 (also when it was not there) or -errno. */
int state_file_remove(const char *path);

#endif
