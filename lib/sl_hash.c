#include "sl_hash.h"

/* XXH3 compiled in here (the library's own code, from its header): most
 * keys are short, and the library's entry point and dispatch cost as much
 * as hashing them */
#define XXH_INLINE_ALL
#include <xxhash.h>
#include <zlib.h>
#ifdef SL_HAVE_ISAL
#include <isa-l/crc.h>
#endif

uint64_t sl_hash(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

uint32_t sl_crc32(uint32_t crc, const void *p, size_t n)
{
#ifdef SL_HAVE_ISAL
	/* the same CRC as zlib's, several times faster (carry-less multiply) */
	return crc32_gzip_refl(crc, p, n);
#else
	return (uint32_t)crc32_z(crc, p, n);
#endif
}
