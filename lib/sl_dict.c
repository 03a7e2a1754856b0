#include "sl_dict.h"
#include "sl_err.h"
#include "sl_hash.h"

#include <stdlib.h>
#include <string.h>

/* Open addressing with linear probing over slots holding code + 1 (0 =
 * empty) in the low half and the hash's high bits in the high half, so a
 * probe reads one word and most never touch the string bytes.  Strings
 * live in one growing arena, addressed by offset. */
struct entry {
	uint64_t off; /* into arena */
	uint32_t len;
	uint64_t hash; /* kept so that growing the table hashes nothing again */
};

struct sl_dict {
	char *arena;
	size_t arena_len, arena_cap;
	struct entry *ents;
	uint32_t nents, ents_cap;
	uint64_t *slots; /* hash >> 32 << 32 | (code + 1); 0 = empty */
	uint32_t nslots; /* power of two */
};

struct sl_dict *sl_dict_new(void)
{
	return calloc(1, sizeof(struct sl_dict));
}

void sl_dict_free(struct sl_dict *d)
{
	if (!d)
		return;
	free(d->arena);
	free(d->ents);
	free(d->slots);
	free(d);
}

void sl_dict_clear(struct sl_dict *d)
{
	d->arena_len = 0;
	d->nents = 0;
	if (d->slots)
		memset(d->slots, 0, d->nslots * sizeof(*d->slots));
}

#define SLOT_CODE(v) ((uint32_t)(v)) /* code + 1 */
#define SLOT_TAG(h) ((h) & 0xffffffff00000000ull)

static int rehash(struct sl_dict *d, uint32_t nslots)
{
	uint64_t *slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return SL_ENOMEM;
	for (uint32_t c = 0; c < d->nents; c++) {
		uint64_t h = d->ents[c].hash;
		uint32_t i = (uint32_t)h & (nslots - 1);

		while (slots[i])
			i = (i + 1) & (nslots - 1);
		slots[i] = SLOT_TAG(h) | (c + 1);
	}
	free(d->slots);
	d->slots = slots;
	d->nslots = nslots;
	return SL_OK;
}

int sl_dict_intern(struct sl_dict *d, const char *s, size_t n, uint32_t *code)
{
	return sl_dict_intern_hashed(d, s, n, sl_hash(s, n), code);
}

int sl_dict_intern_hashed(struct sl_dict *d, const char *s, size_t n, uint64_t h,
			  uint32_t *code)
{
	uint64_t tag = SLOT_TAG(h), v;
	uint32_t i;

	if (n > UINT32_MAX)
		return SL_ELIMIT;
	if ((d->nents + 1) * 2 > d->nslots &&
	    rehash(d, d->nslots ? d->nslots * 2 : 32))
		return SL_ENOMEM;
	i = (uint32_t)h & (d->nslots - 1);
	for (; (v = d->slots[i]); i = (i + 1) & (d->nslots - 1)) {
		const struct entry *e;

		if (SLOT_TAG(v) != tag)
			continue;
		e = &d->ents[SLOT_CODE(v) - 1];
		if (e->len == n && sl_same_bytes(d->arena + e->off, s, n)) {
			*code = SLOT_CODE(v) - 1;
			return SL_OK;
		}
	}
	if (d->nents == UINT32_MAX - 1)
		return SL_ELIMIT;
	if (d->nents == d->ents_cap) {
		uint32_t cap = d->ents_cap ? d->ents_cap * 2 : 16;
		struct entry *e = realloc(d->ents, cap * sizeof(*e));

		if (!e)
			return SL_ENOMEM;
		d->ents = e;
		d->ents_cap = cap;
	}
	if (!d->arena || d->arena_len + n > d->arena_cap) {
		size_t cap = d->arena_cap ? d->arena_cap : 256;
		char *a;

		while (cap < d->arena_len + n)
			cap *= 2;
		a = realloc(d->arena, cap);
		if (!a)
			return SL_ENOMEM;
		d->arena = a;
		d->arena_cap = cap;
	}
	if (n)
		memcpy(d->arena + d->arena_len, s, n);
	d->ents[d->nents].off = d->arena_len;
	d->ents[d->nents].len = (uint32_t)n;
	d->ents[d->nents].hash = h;
	d->arena_len += n;
	d->slots[i] = tag | (d->nents + 1);
	*code = d->nents++;
	return SL_OK;
}

const char *sl_dict_get(const struct sl_dict *d, uint32_t code, size_t *n)
{
	if (code >= d->nents) {
		*n = 0;
		return "";
	}
	*n = d->ents[code].len;
	return d->arena + d->ents[code].off;
}

uint64_t sl_dict_hash(const struct sl_dict *d, uint32_t code)
{
	return code < d->nents ? d->ents[code].hash : 0;
}

uint32_t sl_dict_count(const struct sl_dict *d)
{
	return d->nents;
}

size_t sl_dict_bytes(const struct sl_dict *d)
{
	return d->arena_cap + (size_t)d->ents_cap * sizeof(struct entry) +
	       (size_t)d->nslots * 8;
}
