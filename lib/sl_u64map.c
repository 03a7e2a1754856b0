#include "sl_u64map.h"
#include "sl_err.h"

#include <stdlib.h>

/* Fibonacci hashing: the slot comes from the high bits of key * 2^64/phi,
 * so keys that differ only in their high bits still spread. */
static inline size_t slot_of(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - __builtin_ctzll(cap)));
}

uint32_t *sl_u64map_get(const struct sl_u64map *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (!m->used[i])
			return NULL;
		if (m->keys[i] == key)
			return &m->vals[i];
	}
}

static int grow(struct sl_u64map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	uint64_t *keys = malloc(cap * sizeof(*keys));
	uint32_t *vals = malloc(cap * sizeof(*vals));
	uint8_t *used = calloc(cap, 1);

	if (!keys || !vals || !used) {
		free(keys);
		free(vals);
		free(used);
		return SL_ENOMEM;
	}
	for (size_t j = 0; j < m->cap; j++) {
		size_t i;

		if (!m->used[j])
			continue;
		for (i = slot_of(m->keys[j], cap); used[i]; i = (i + 1) & (cap - 1))
			;
		used[i] = 1;
		keys[i] = m->keys[j];
		vals[i] = m->vals[j];
	}
	free(m->keys);
	free(m->vals);
	free(m->used);
	m->keys = keys;
	m->vals = vals;
	m->used = used;
	m->cap = cap;
	return SL_OK;
}

int sl_u64map_put(struct sl_u64map *m, uint64_t key, uint32_t **val, int *added)
{
	size_t i;

	if ((m->n + 1) * 4 > m->cap * 3 && grow(m))
		return SL_ENOMEM;
	for (i = slot_of(key, m->cap); m->used[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			*val = &m->vals[i];
			*added = 0;
			return SL_OK;
		}
	}
	m->used[i] = 1;
	m->keys[i] = key;
	m->vals[i] = 0;
	m->n++;
	*val = &m->vals[i];
	*added = 1;
	return SL_OK;
}

void sl_u64map_release(struct sl_u64map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	m->keys = NULL;
	m->vals = NULL;
	m->used = NULL;
	m->n = m->cap = 0;
}

size_t sl_u64map_bytes(const struct sl_u64map *m)
{
	return m->cap * (sizeof(uint64_t) + sizeof(uint32_t) + 1);
}
