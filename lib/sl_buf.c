#include "sl_buf.h"
#include "sl_err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sl_buf_grow(struct sl_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1, cap;
	char *p;

	if (need < b->len)
		return SL_ENOMEM;
	if (need <= b->cap)
		return SL_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap * 2 > cap ? cap * 2 : need;
	p = realloc(b->data, cap);
	if (!p)
		return SL_ENOMEM;
	b->data = p;
	b->cap = cap;
	return SL_OK;
}

int sl_buf_add_slow_(struct sl_buf *b, const void *p, size_t n)
{
	if (sl_buf_grow(b, n))
		return SL_ENOMEM;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return SL_OK;
}

int sl_buf_addc(struct sl_buf *b, char c)
{
	if (b->len + 1 >= b->cap && sl_buf_grow(b, 1))
		return SL_ENOMEM;
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
	return SL_OK;
}

int sl_buf_adds(struct sl_buf *b, const char *s)
{
	return sl_buf_add(b, s, strlen(s));
}

int sl_buf_printf(struct sl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sl_buf_grow(b, (size_t)n))
		return SL_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return SL_OK;
}

const char *sl_buf_cstr(const struct sl_buf *b)
{
	return b->data ? b->data : "";
}

void sl_buf_release(struct sl_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int sl_grow(void *arrp, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 16;
	void *arr;

	if (need <= *cap)
		return SL_OK;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			return SL_ENOMEM;
		c *= 2;
	}
	memcpy(&arr, arrp, sizeof(arr));
	arr = realloc(arr, c * size);
	if (!arr)
		return SL_ENOMEM;
	memcpy(arrp, &arr, sizeof(arr));
	*cap = c;
	return SL_OK;
}

int sl_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = ENOSPC;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}
