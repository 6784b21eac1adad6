/*
 * rtnames.h - routing table and routing protocol names, as iproute2 knows
 * them: a few built in, the rest from /etc/iproute2/rt_tables, rt_protos
 * and their .d/ directories, so that a name an operator sees in `ip route`
 * means the same in edgebfd.conf.
 */
#ifndef EDGEBFD_RTNAMES_H
#define EDGEBFD_RTNAMES_H

#include <stddef.h>
#include <stdint.h>

/* The id of a routing table name ("main", a name from rt_tables) or a
 * decimal id. Returns 0, or -ENOENT when no table has that name. */
int rtnames_table_id(const char *name, uint32_t *id);

/* The rtm_protocol of a name ("bgp", "static", a name from rt_protos) or a
 * decimal 0-255. Returns 0, or -ENOENT when no protocol has that name. */
int rtnames_protocol_id(const char *name, uint8_t *id);

/* The name of a table or protocol id, or its decimal value, in buf. */
const char *rtnames_table_name(uint32_t id, char *buf, size_t len);
const char *rtnames_protocol_name(uint8_t id, char *buf, size_t len);

#endif
