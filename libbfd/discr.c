/* discr.c - local discriminator choice (RFC 5880 6.8.1, section 9). */
#include "discr.h"

uint32_t bfd_discr_pick(uint32_t (*random32)(void *ctx),
			bool (*in_use)(void *ctx, uint32_t discr), void *ctx)
{
	for (int i = 0; i < BFD_DISCR_MAX_TRIES; i++) {
		uint32_t d = random32(ctx);

		if (d != 0 && !in_use(ctx, d))
			return d;
	}
	return 0;
}
