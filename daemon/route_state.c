/* route_state.c - see route_state.h. */
#include "route_state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_file.h"

#define MAGIC "edgebfd-routes 1"
/* The last word of a change its owner has changed since (restore leaves it). */
#define OWNER_CHANGED "owner-changed"

void route_state_owner_of(const struct conf_session *conf, struct route_state_owner *owner)
{
	memset(owner, 0, sizeof(*owner));
	snprintf(owner->name, sizeof(owner->name), "%s", conf->name);
	snprintf(owner->ifname, sizeof(owner->ifname), "%s", conf->ifname);
	owner->local = conf->local;
	owner->peer = conf->peer;
}

/* Hex in chunks: the file is written ahead of a route action, so its
 * cost (10,000 routes: about 2 MB) is on the failover's path. */
static void put_hex(FILE *f, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char buf[1024];
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		buf[used++] = digits[p[i] >> 4];
		buf[used++] = digits[p[i] & 15];
		if (used == sizeof(buf)) {
			fwrite_unlocked(buf, 1, used, f);
			used = 0;
		}
	}
	fwrite_unlocked(buf, 1, used, f);
}

static const char *addr_str(const struct conf_addr *a, char *buf, size_t len)
{
	return inet_ntop(a->family, a->family == AF_INET ? (const void *)&a->v4 : &a->v6, buf,
			 (socklen_t)len);
}

int route_state_save(const char *dir, const struct route_state_owner *owner,
		     const struct ra_record *rec)
{
	char path[512], local[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN];
	struct state_file sf = { 0 };
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/%s" ROUTE_STATE_SUFFIX, dir, owner->name);
	if (rec->n == 0)
		return state_file_remove(path);
	r = state_file_begin(&sf, path);
	if (r < 0)
		return r;
	f = sf.f;
	fprintf(f, MAGIC "\nsession %s %s %s %s\n", owner->name, owner->ifname,
		addr_str(&owner->local, local, sizeof(local)),
		addr_str(&owner->peer, peer, sizeof(peer)));
	for (size_t i = 0; i < rec->n; i++) {
		const struct ra_change *c = &rec->changes[i];

		fputs(ra_change_kind_name((enum ra_change_kind)c->kind), f);
		putc(' ', f);
		if (c->kind == RA_VIA_GROUP) {
			put_hex(f, (const uint8_t *)&c->key, sizeof(c->key));
			fprintf(f, " %u %u", c->nhid, c->protocol);
		} else {
			put_hex(f, c->original, c->original_len);
		}
		if (c->installed_len) {
			putc(' ', f);
			put_hex(f, c->installed, c->installed_len);
		}
		if (c->owner_changed)
			fputs(" " OWNER_CHANGED, f);
		putc('\n', f);
	}
	return state_file_commit(&sf);
}

/* Decode the hex word at *p into a new buffer; advance *p. */
static uint8_t *get_hex(const char **p, size_t *len)
{
	const char *s = *p + strspn(*p, " ");
	size_t n = strspn(s, "0123456789abcdef");
	uint8_t *out;

	if (n == 0 || n % 2 || n / 2 > UINT16_MAX)
		return NULL;
	out = malloc(n / 2);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n / 2; i++) {
		char byte[3] = { s[2 * i], s[2 * i + 1], 0 };

		out[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	*len = n / 2;
	*p = s + n;
	return out;
}

/* The key of a route payload, for the record. */
static int key_of(const uint8_t *payload, size_t len, struct ra_change *c)
{
	uint8_t buf[4096] __attribute__((aligned(4)));
	struct nl_route r;

	if (nl_route_parse(payload, len, buf, sizeof(buf), &r) <= 0)
		return -EINVAL;
	c->key = r.key;
	c->protocol = r.protocol;
	c->nhid = r.nhid;
	return 0;
}

static int parse_change(const char *line, struct ra_record *rec)
{
	struct ra_change c = { 0 };
	uint8_t *original = NULL, *installed = NULL;
	size_t olen = 0, ilen = 0;
	char kind[32];
	int consumed = 0, r = -EINVAL;
	const char *p;

	if (sscanf(line, "%31s%n", kind, &consumed) != 1)
		return -EINVAL;
	for (int k = 0; k < RA_KIND_COUNT; k++)
		if (strcmp(kind, ra_change_kind_name((enum ra_change_kind)k)) == 0)
			c.kind = (uint8_t)k, r = 0;
	if (r < 0)
		return r;
	p = line + consumed;
	original = get_hex(&p, &olen);
	if (!original)
		return -EINVAL;
	if (c.kind == RA_VIA_GROUP) {
		char *end, *end2;
		unsigned long nhid = strtoul(p, &end, 10);
		unsigned long proto = strtoul(end, &end2, 10);

		if (olen != sizeof(c.key) || end == p || end2 == end || *end2 || nhid > UINT32_MAX ||
		    proto > 255) {
			free(original);
			return -EINVAL;
		}
		c.nhid = (uint32_t)nhid;
		c.protocol = (uint8_t)proto;
		memcpy(&c.key, original, sizeof(c.key));
		free(original);
		return ra_record_add(rec, &c, NULL, NULL);
	}
	if (c.kind != RA_DELETED) {
		installed = get_hex(&p, &ilen);
		if (!installed) {
			free(original);
			return -EINVAL;
		}
	}
	if (c.kind == RA_GROUP_SHRUNK) {
		/* struct nhmsg, then NHA_ID first (nl_nexthop_group_payload). */
		if (olen >= 16)
			memcpy(&c.nhid, original + 12, 4);
	} else {
		r = key_of(original, olen, &c);
	}
	c.original_len = (uint16_t)olen;
	c.installed_len = (uint16_t)ilen;
	c.owner_changed = strcmp(p, " " OWNER_CHANGED) == 0;
	if (r == 0)
		r = ra_record_add(rec, &c, original, installed);
	free(original);
	free(installed);
	return r;
}

static int parse_addr(const char *text, struct conf_addr *a)
{
	a->family = strchr(text, ':') ? AF_INET6 : AF_INET;
	return inet_pton(a->family, text, a->family == AF_INET ? (void *)&a->v4 : &a->v6) == 1
		       ? 0 : -EINVAL;
}

int route_state_load(const char *path, struct route_state_owner *owner, struct ra_record *rec,
		     char *err, size_t err_len)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, local[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN];
	size_t cap = 0;
	unsigned lineno = 0;
	int r = 0;

	if (!f)
		return -errno;
	memset(owner, 0, sizeof(*owner));
	while (r == 0 && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		lineno++;
		if (lineno == 1) {
			if (strcmp(line, MAGIC) != 0)
				r = -EINVAL;
		} else if (lineno == 2) {
			if (sscanf(line, "session %63s %15s %45s %45s", owner->name, owner->ifname,
				   local, peer) != 4 ||
			    parse_addr(local, &owner->local) < 0 || parse_addr(peer, &owner->peer) < 0)
				r = -EINVAL;
		} else {
			r = parse_change(line, rec);
		}
	}
	if (r == 0 && lineno < 2)
		r = -EINVAL;
	if (r == -EINVAL)
		snprintf(err, err_len, "line %u is not what edgebfdd writes", lineno);
	free(line);
	fclose(f);
	return r;
}
