/* bgp_shut_file.c - see bgp_shut_file.h. */
#include "bgp_shut_file.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_file.h"

#define MAGIC "edgebfd-bgp-shutdown 1"

int bgp_shut_file_save(const char *dir, const struct bgp_shut_entry *entries, size_t n)
{
	char path[256];
	struct state_file sf = { 0 };
	int r;

	snprintf(path, sizeof(path), "%s/" BGP_SHUT_FILE_NAME, dir);
	if (n == 0)
		return state_file_remove(path);
	r = state_file_begin(&sf, path);
	if (r < 0)
		return r;
	fputs(MAGIC "\n", sf.f);
	for (size_t i = 0; i < n; i++)
		fprintf(sf.f, "%s %s\n", entries[i].address, entries[i].vty_dir);
	return state_file_commit(&sf);
}

/* "ADDRESS VTY-DIR" into e; false if the line is not one. */
static bool parse_line(char *line, struct bgp_shut_entry *e)
{
	char *space = strchr(line, ' ');
	struct in6_addr any;

	if (!space)
		return false;
	*space = '\0';
	if (inet_pton(AF_INET, line, &any) != 1 && inet_pton(AF_INET6, line, &any) != 1)
		return false;
	if (space[1] != '/' || strlen(space + 1) >= sizeof(e->vty_dir) ||
	    strlen(line) >= sizeof(e->address))
		return false;
	snprintf(e->address, sizeof(e->address), "%s", line);
	snprintf(e->vty_dir, sizeof(e->vty_dir), "%s", space + 1);
	return true;
}

int bgp_shut_file_load(const char *dir, struct bgp_shut_entry **out, size_t *n, char *err,
		       size_t err_len)
{
	char path[256], line[256];
	struct bgp_shut_entry *v = NULL;
	size_t count = 0, cap = 0;
	unsigned lineno = 0;
	FILE *f;

	*out = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "%s/" BGP_SHUT_FILE_NAME, dir);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		lineno++;
		if (lineno == 1) {
			if (strcmp(line, MAGIC) != 0)
				goto bad;
			continue;
		}
		if (count == cap) {
			struct bgp_shut_entry *grown;

			cap = cap ? 2 * cap : 8;
			grown = realloc(v, cap * sizeof(*v));
			if (!grown) {
				free(v);
				fclose(f);
				return -ENOMEM;
			}
			v = grown;
		}
		if (!parse_line(line, &v[count]))
			goto bad;
		count++;
	}
	if (lineno == 0)
		goto bad;
	fclose(f);
	*out = v;
	*n = count;
	return 0;
bad:
	snprintf(err, err_len, "line %u is not \"%s\"", lineno,
		 lineno <= 1 ? MAGIC : "ADDRESS VTY-DIR");
	free(v);
	fclose(f);
	return -EINVAL;
}
