/* state_file.c - see state_file.h. */
#include "state_file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int state_file_begin(struct state_file *sf, const char *path)
{
	if ((size_t)snprintf(sf->path, sizeof(sf->path), "%s", path) >= sizeof(sf->path))
		return -ENAMETOOLONG;
	snprintf(sf->tmp, sizeof(sf->tmp), "%s.tmp", path);
	sf->fd = open(sf->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (sf->fd < 0)
		return -errno;
	sf->f = fdopen(sf->fd, "w");
	if (!sf->f) {
		int r = -errno;

		close(sf->fd);
		unlink(sf->tmp);
		return r;
	}
	/* Fewer writes for a large file (10,000 routes: about 2 MB); harmless
	 * if refused. */
	setvbuf(sf->f, NULL, _IOFBF, 1 << 18);
	return 0;
}

int state_file_commit(struct state_file *sf)
{
	int r = 0;

	if (fflush(sf->f) != 0 || fsync(sf->fd) != 0)
		r = -errno;
	if (fclose(sf->f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(sf->tmp, sf->path) != 0)
		r = -errno;
	if (r < 0)
		unlink(sf->tmp);
	return r;
}

int state_file_remove(const char *path)
{
	return unlink(path) == 0 || errno == ENOENT ? 0 : -errno;
}
