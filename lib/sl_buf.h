/* sl_buf.h - a growable byte buffer (always NUL-terminated when len > 0
 * or after sl_buf_cstr()).  The buffer owns its memory; sl_buf_release()
 * frees it and leaves an empty buffer that may be reused. */
#ifndef SL_BUF_H
#define SL_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct sl_buf {
	char *data;
	size_t len;
	size_t cap;
};

#define SL_BUF_INIT {NULL, 0, 0}

/* Ensure room for extra more bytes (+1 for the terminator).  0 or SL_ENOMEM. */
int sl_buf_grow(struct sl_buf *b, size_t extra);
int sl_buf_add_slow_(struct sl_buf *b, const void *p, size_t n);
/* Appends n bytes; the common case (room left) is inline. */
static inline int sl_buf_add(struct sl_buf *b, const void *p, size_t n)
{
	if (b->len + n < b->cap && n) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return sl_buf_add_slow_(b, p, n);
}
int sl_buf_addc(struct sl_buf *b, char c);
int sl_buf_adds(struct sl_buf *b, const char *s);
int sl_buf_printf(struct sl_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void sl_buf_reset(struct sl_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}
/* Always returns a valid C string ("" for an empty, unallocated buffer). */
const char *sl_buf_cstr(const struct sl_buf *b);
void sl_buf_release(struct sl_buf *b);

/* Makes room for need elements of size bytes in the array *arrp (a pointer
 * to the array pointer) of capacity *cap, doubling from at least 16.
 * 0 or SL_ENOMEM (then *arrp and *cap are unchanged). */
int sl_grow(void *arrp, size_t *cap, size_t need, size_t size);

/* Writes all n bytes of p to fd, again after a short write or EINTR.  0, or
 * -1 with errno set (ENOSPC when the system wrote nothing). */
int sl_write_all(int fd, const void *p, size_t n);

/* qsort() that accepts an empty (possibly NULL) array. */
static inline void sl_sort(void *base, size_t n, size_t size,
			   int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

#endif
