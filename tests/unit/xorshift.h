/* xorshift.h - the unit tests' seeded pseudo-random numbers (Marsaglia's
 * xorshift64): the same seed gives the same sequence on every machine. */
#ifndef TESTS_XORSHIFT_H
#define TESTS_XORSHIFT_H

#include <stdint.h>

#define XORSHIFT_SEED 88172645463325252ull

static inline uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif
