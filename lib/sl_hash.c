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

#if defined(SL_HAVE_ISAL) && defined(__x86_64__) && defined(__GNUC__)
/* ISA-L's CRC on a machine with AVX-512 uses the zmm registers and
 * returns without vzeroupper: their upper halves stay in use, and every
 * SSE instruction after it (all of shiplog's floating point, libm's too)
 * pays a merge into them, in this thread and in the threads it starts
 * (they inherit the state).  On a Xeon with AVX-512 that made a sine and
 * a log1p 15 times slower for the rest of the run.  vzeroupper marks them
 * unused again; only a machine with AVX has the instruction. */
__attribute__((target("avx"))) static void upper_clear(void)
{
	__builtin_ia32_vzeroupper();
}

static uint32_t crc_isal(uint32_t crc, const void *p, size_t n)
{
	crc = crc32_gzip_refl(crc, p, n);
	if (__builtin_cpu_supports("avx")) /* a flag read, set at start-up */
		upper_clear();
	return crc;
}
#elif defined(SL_HAVE_ISAL)
#define crc_isal crc32_gzip_refl
#endif

uint32_t sl_crc32(uint32_t crc, const void *p, size_t n)
{
#ifdef SL_HAVE_ISAL
	/* the same CRC as zlib's, several times faster (carry-less multiply) */
	return crc_isal(crc, p, n);
#else
	return (uint32_t)crc32_z(crc, p, n);
#endif
}
