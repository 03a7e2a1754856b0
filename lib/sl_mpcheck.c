/* sl_mpcheck.c - see sl_mpcheck.h.  The walk keeps one number: how many
 * objects are still owed.  Each object read pays one and adds its
 * elements (two per map entry); as every object takes at least one byte,
 * owing more than the bytes left means the header lies. */
#include "sl_mpcheck.h"

#include <stdint.h>

static uint64_t be(const unsigned char *p, int len)
{
	uint64_t v = 0;

	for (int i = 0; i < len; i++)
		v = v << 8 | p[i];
	return v;
}

size_t sl_mp_check(const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t off = 0;
	uint64_t owed = 1;

	while (owed) {
		unsigned t;
		uint64_t len = 0, elems = 0; /* payload bytes, new objects owed */
		int hdr = 1;                 /* bytes of type and length */

		if (off >= n || owed > n - off)
			return 0;
		t = p[off];
		if (t <= 0x7f || t >= 0xe0 || t == 0xc0 || t == 0xc2 || t == 0xc3) {
			/* fixint, nil, bool */
		} else if (t <= 0x8f) {
			elems = 2 * (uint64_t)(t & 0x0f);
		} else if (t <= 0x9f) {
			elems = t & 0x0f;
		} else if (t <= 0xbf) {
			len = t & 0x1f;
		} else if (t == 0xc1) {
			return 0;
		} else if (t >= 0xc4 && t <= 0xc6) { /* bin 8/16/32 */
			hdr = 1 + (1 << (t - 0xc4));
		} else if (t >= 0xc7 && t <= 0xc9) { /* ext 8/16/32: + type byte */
			hdr = 2 + (1 << (t - 0xc7));
		} else if (t == 0xca || t == 0xcb) {
			len = t == 0xca ? 4 : 8;
		} else if (t >= 0xcc && t <= 0xd3) { /* uint / int 8..64 */
			len = (uint64_t)1 << ((t - 0xcc) & 3);
		} else if (t >= 0xd4 && t <= 0xd8) { /* fixext: type + 1..16 */
			len = 1 + ((uint64_t)1 << (t - 0xd4));
		} else if (t >= 0xd9 && t <= 0xdb) { /* str 8/16/32 */
			hdr = 1 + (1 << (t - 0xd9));
		} else { /* 0xdc..0xdf: array 16/32, map 16/32 */
			hdr = 1 + ((t & 1) ? 4 : 2);
		}
		if ((size_t)hdr > n - off)
			return 0;
		if ((t >= 0xc4 && t <= 0xc9) || (t >= 0xd9 && t <= 0xdb)) {
			int w = t >= 0xd9 ? hdr - 1 : t >= 0xc7 ? hdr - 2 : hdr - 1;

			len = be(p + off + 1, w);
			if (t >= 0xc7 && t <= 0xc9)
				len += 1; /* the ext type byte follows the length */
			hdr = 1 + w;
		} else if (t >= 0xdc && t <= 0xdf) {
			elems = be(p + off + 1, hdr - 1);
			if (t >= 0xde)
				elems *= 2;
		}
		if (len > n - off - (size_t)hdr)
			return 0;
		off += (size_t)hdr + (size_t)len;
		owed = owed - 1 + elems;
	}
	return off;
}
