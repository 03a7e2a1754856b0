/* util.c - helpers of fuzz.h, linked into every harness. */
#include "fuzz.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int fuzz_file(const uint8_t *data, size_t size, char path[64])
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

volatile unsigned char fuzz_sink;

void fuzz_touch(const void *p, size_t n)
{
	const unsigned char *s = p;
	unsigned char x = 0;

	for (size_t i = 0; i < n; i++)
		x ^= s[i];
	fuzz_sink = x;
}
