/*
 * discr.h - choosing a local discriminator (RFC 5880 section 6.8.1,
 * bfd.LocalDiscr): nonzero, unique within the system, and unpredictable
 * (section 9 recommends against guessable values). The randomness and the
 * table of discriminators in use belong to the caller.
 */
#ifndef BFD_DISCR_H
#define BFD_DISCR_H

#include <stdbool.h>
#include <stdint.h>

/* Draws at most this many candidates before giving up. */
#define BFD_DISCR_MAX_TRIES 64

/*
 * Return a discriminator drawn from random32() that is nonzero and for which
 * in_use() is false, or 0 if BFD_DISCR_MAX_TRIES draws found none.
 */
uint32_t bfd_discr_pick(uint32_t (*random32)(void *ctx),
			bool (*in_use)(void *ctx, uint32_t discr), void *ctx);

#endif
