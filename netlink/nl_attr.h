/* nl_attr.h - walking netlink attributes of a byte range. */
#ifndef EDGEBFD_NL_ATTR_H
#define EDGEBFD_NL_ATTR_H

#include <libmnl/libmnl.h>

/* For each attribute in the len bytes at start (libmnl's own macro wants a
 * void pointer and a variable named attr). */
#define NL_FOR_EACH_ATTR(a, start, len)                                                       \
	for ((a) = (const struct nlattr *)(const void *)(start);                              \
	     mnl_attr_ok((a), (int)((const char *)(start) + (len) - (const char *)(a)));       \
	     (a) = mnl_attr_next(a))

#endif
