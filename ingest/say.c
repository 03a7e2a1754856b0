#include "say.h"

#include <stdarg.h>
#include <stdio.h>

void errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("shiplog-ingest: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
