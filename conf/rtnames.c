/*
 * rtnames.c - routing table and protocol names (see rtnames.h).
 *
 * The files have iproute2's format: "<number> <name>" per line, '#' starts
 * a comment. Built-in names come first so that a missing /etc/iproute2
 * (a minimal container) still knows "main" and "bgp".
 */
#include "rtnames.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IPROUTE2_DIR "/etc/iproute2"

struct rtname {
	uint32_t id;
	const char *name;
};

static const struct rtname builtin_tables[] = {
	{ 253, "default" }, { 254, "main" }, { 255, "local" },
};

/* linux/rtnetlink.h and the rt_protos file of iproute2 6.1. */
static const struct rtname builtin_protocols[] = {
	{ 1, "redirect" }, { 2, "kernel" },  { 3, "boot" },     { 4, "static" },
	{ 8, "gated" },    { 9, "ra" },      { 10, "mrt" },     { 11, "zebra" },
	{ 12, "bird" },    { 13, "dnrouted" }, { 14, "xorp" },  { 15, "ntk" },
	{ 16, "dhcp" },    { 18, "keepalived" }, { 42, "babel" }, { 99, "openr" },
	{ 186, "bgp" },    { 187, "isis" },  { 188, "ospf" },   { 189, "rip" },
	{ 192, "eigrp" },
};

/* What a lookup is after: an id for a name, or a name for an id. */
struct query {
	const char *name; /* NULL when looking up id */
	uint32_t id;
	bool found;
	char *buf;
	size_t len;
};

static bool query_match(struct query *q, uint32_t id, const char *name)
{
	if (q->name ? strcmp(q->name, name) != 0 : q->id != id)
		return false;
	q->found = true;
	if (q->name)
		q->id = id;
	else
		snprintf(q->buf, q->len, "%s", name);
	return true;
}

/* One "<number> <name>" file; the first match wins. */
static void scan_file(const char *path, struct query *q)
{
	FILE *f = fopen(path, "re");
	char line[256];

	if (!f)
		return;
	while (!q->found && fgets(line, sizeof(line), f)) {
		char name[128];
		unsigned long id;
		char *end;

		errno = 0;
		id = strtoul(line, &end, 0);
		if (end == line || errno || id > UINT32_MAX || !isspace((unsigned char)*end))
			continue;
		if (sscanf(end, " %127[^ \t\n#]", name) == 1)
			query_match(q, (uint32_t)id, name);
	}
	fclose(f);
}

/* The main file, then every *.conf in its .d directory (as iproute2). */
static void scan(const char *base, struct query *q)
{
	char path[512];
	struct dirent **list;
	int n;

	snprintf(path, sizeof(path), IPROUTE2_DIR "/%s", base);
	scan_file(path, q);
	snprintf(path, sizeof(path), IPROUTE2_DIR "/%s.d", base);
	n = scandir(path, &list, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(list[i]->d_name);

		if (!q->found && len > 5 && strcmp(list[i]->d_name + len - 5, ".conf") == 0) {
			char file[800];

			snprintf(file, sizeof(file), "%s/%s", path, list[i]->d_name);
			scan_file(file, q);
		}
		free(list[i]);
	}
	if (n >= 0)
		free(list);
}

static bool lookup(const struct rtname *builtin, size_t n, const char *base, struct query *q)
{
	for (size_t i = 0; i < n && !q->found; i++)
		query_match(q, builtin[i].id, builtin[i].name);
	if (!q->found)
		scan(base, q);
	return q->found;
}

/* A decimal number below limit, and nothing else. */
static bool parse_number(const char *text, uint64_t limit, uint32_t *out)
{
	char *end;
	unsigned long long n;

	if (!isdigit((unsigned char)text[0]))
		return false;
	errno = 0;
	n = strtoull(text, &end, 10);
	if (*end || errno || n >= limit)
		return false;
	*out = (uint32_t)n;
	return true;
}

int rtnames_table_id(const char *name, uint32_t *id)
{
	struct query q = { .name = name };

	if (parse_number(name, (uint64_t)UINT32_MAX + 1, id))
		return 0;
	if (!lookup(builtin_tables, sizeof(builtin_tables) / sizeof(builtin_tables[0]),
		    "rt_tables", &q))
		return -ENOENT;
	*id = q.id;
	return 0;
}

int rtnames_protocol_id(const char *name, uint8_t *id)
{
	struct query q = { .name = name };
	uint32_t n;

	if (parse_number(name, 256, &n)) {
		*id = (uint8_t)n;
		return 0;
	}
	if (!lookup(builtin_protocols, sizeof(builtin_protocols) / sizeof(builtin_protocols[0]),
		    "rt_protos", &q) || q.id > 255)
		return -ENOENT;
	*id = (uint8_t)q.id;
	return 0;
}

const char *rtnames_table_name(uint32_t id, char *buf, size_t len)
{
	struct query q = { .id = id, .buf = buf, .len = len };

	if (!lookup(builtin_tables, sizeof(builtin_tables) / sizeof(builtin_tables[0]),
		    "rt_tables", &q))
		snprintf(buf, len, "%" PRIu32, id);
	return buf;
}

const char *rtnames_protocol_name(uint8_t id, char *buf, size_t len)
{
	struct query q = { .id = id, .buf = buf, .len = len };

	if (!lookup(builtin_protocols, sizeof(builtin_protocols) / sizeof(builtin_protocols[0]),
		    "rt_protos", &q))
		snprintf(buf, len, "%u", id);
	return buf;
}
