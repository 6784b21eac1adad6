/*
 * reader.h - a bounds-checked big-endian reader over a byte buffer.
 * A read past the end fails and leaves the output untouched.
 */
#ifndef BFD_READER_H
#define BFD_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bfd_reader {
	const uint8_t *buf;
	size_t len;
	size_t pos;
};

static inline bool bfd_read_u8(struct bfd_reader *r, uint8_t *v)
{
	if (r->len - r->pos < 1)
		return false;
	*v = r->buf[r->pos++];
	return true;
}

static inline bool bfd_read_u16(struct bfd_reader *r, uint16_t *v)
{
	if (r->len - r->pos < 2)
		return false;
	*v = (uint16_t)(r->buf[r->pos] << 8 | r->buf[r->pos + 1]);
	r->pos += 2;
	return true;
}

static inline bool bfd_read_u32(struct bfd_reader *r, uint32_t *v)
{
	if (r->len - r->pos < 4)
		return false;
	const uint8_t *p = r->buf + r->pos;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	r->pos += 4;
	return true;
}

/* Point *p at the next n bytes and skip them. */
static inline bool bfd_read_bytes(struct bfd_reader *r, size_t n, const uint8_t **p)
{
	if (r->len - r->pos < n)
		return false;
	*p = r->buf + r->pos;
	r->pos += n;
	return true;
}

static inline void bfd_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void bfd_put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
