/* say.h - the ingest's error lines on standard error, for main.c and the
 * parallel merge (mergepar.c). */
#ifndef INGEST_SAY_H
#define INGEST_SAY_H

/* "shiplog-ingest: error: " and the message, a line on stderr. */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
