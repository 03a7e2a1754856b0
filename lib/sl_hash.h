/* sl_hash.h - the two checksums shiplog uses: a fast 64-bit hash for keys
 * and dictionaries (XXH3), and CRC-32 (the zlib/gzip polynomial, so that
 * Python's zlib.crc32 checks store files) computed with ISA-L when the
 * build has it; and the equality test of keys. */
#ifndef SL_HASH_H
#define SL_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

uint64_t sl_hash(const void *p, size_t n);
/* crc32 of p[0..n) continuing from crc (0 to start), as zlib's crc32(). */
uint32_t sl_crc32(uint32_t crc, const void *p, size_t n);

/* a[0, n) == b[0, n).  Keys are mostly short, and a call of memcmp costs
 * more than comparing them: up to 32 bytes are compared a word at a time,
 * the last words overlapping the first ones. */
static inline uint64_t sl_word_diff_(const unsigned char *x, const unsigned char *y)
{
	uint64_t p, q;

	memcpy(&p, x, 8);
	memcpy(&q, y, 8);
	return p ^ q;
}

static inline int sl_same_bytes(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	uint32_t u, v, w, z;

	if (n > 32)
		return !memcmp(x, y, n);
	if (n > 16)
		return (sl_word_diff_(x, y) | sl_word_diff_(x + 8, y + 8) |
			sl_word_diff_(x + n - 16, y + n - 16) | sl_word_diff_(x + n - 8, y + n - 8)) == 0;
	if (n >= 8)
		return (sl_word_diff_(x, y) | sl_word_diff_(x + n - 8, y + n - 8)) == 0;
	if (n >= 4) {
		memcpy(&u, x, 4);
		memcpy(&v, y, 4);
		memcpy(&w, x + n - 4, 4);
		memcpy(&z, y + n - 4, 4);
		return ((u ^ v) | (w ^ z)) == 0;
	}
	for (size_t k = 0; k < n; k++)
		if (x[k] != y[k])
			return 0;
	return 1;
}

#endif
