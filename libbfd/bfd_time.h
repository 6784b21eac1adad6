/*
 * bfd_time.h - the one time type of edgebfd.
 *
 * Every instant and every duration is a bfd_usec_t in microseconds, the unit
 * RFC 5880 uses on the wire (section 4.1). Instants are CLOCK_MONOTONIC as
 * read by the caller; libbfd never reads a clock itself. Names of variables
 * and fields of this type end in _us.
 */
#ifndef BFD_TIME_H
#define BFD_TIME_H

#include <stdint.h>

typedef uint64_t bfd_usec_t;

/* A deadline that never comes: a disarmed timer. */
#define BFD_USEC_NEVER UINT64_MAX

#define BFD_USEC_PER_MSEC 1000ULL
#define BFD_USEC_PER_SEC 1000000ULL

#endif
