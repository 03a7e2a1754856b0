/* sl_hash.h - the two checksums shiplog uses: a fast 64-bit hash for keys
 * and dictionaries (XXH3), and CRC-32 (the zlib/gzip polynomial, so that
 * Python's zlib.crc32 checks store files) computed with ISA-L when the
 * build has it. */
#ifndef SL_HASH_H
#define SL_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t sl_hash(const void *p, size_t n);
/* crc32 of p[0..n) continuing from crc (0 to start), as zlib's crc32(). */
uint32_t sl_crc32(uint32_t crc, const void *p, size_t n);

#endif
