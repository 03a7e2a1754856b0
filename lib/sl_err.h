/* sl_err.h - error codes and error context shared by every lib/ module.
 *
 * lib/ never prints and never exits: functions return SL_OK (0) or a
 * negative enum sl_err code and, where they take one, fill a struct
 * sl_errctx describing the data that caused it (path, line, detail).
 * The caller (a stage's main.c) turns that into a message. */
#ifndef SL_ERR_H
#define SL_ERR_H

#include <stdarg.h>
#include <stddef.h>

enum sl_err {
	SL_OK = 0,
	SL_ENOMEM = -1,    /* allocation failed */
	SL_EIO = -2,       /* system call failed; errctx.sys_errno set */
	SL_EFORMAT = -3,   /* file is not in the expected format */
	SL_ECHECKSUM = -4, /* stored checksum does not match the data */
	SL_EPARSE = -5,    /* a value could not be parsed */
	SL_ELIMIT = -6,    /* a configured bound was exceeded */
	SL_EVERSION = -7,  /* unsupported format version */
	SL_ELOCKED = -8,   /* another process holds the lock */
	SL_EINVAL = -9,    /* invalid argument or option value */
	SL_ETRUNC = -10,   /* input ends in the middle of a record/stream */
};

/* Where and why. path may be empty; line is 0 when unknown. */
struct sl_errctx {
	int code;
	int sys_errno;
	long line;
	char path[1024];
	char msg[512];
};

const char *sl_strerror(int code);

/* Fill ctx (if not NULL) and return code, so callers can write
 * `return sl_err_set(err, SL_EPARSE, path, line, "bad %s", x);`.
 * sys_errno is taken from errno when code is SL_EIO. */
int sl_err_set(struct sl_errctx *ctx, int code, const char *path, long line,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int sl_err_vset(struct sl_errctx *ctx, int code, const char *path, long line,
		const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
void sl_err_clear(struct sl_errctx *ctx);

/* The error as the stages print it: "'path':line: message", "'path':
 * message" or "message" (the path of the context, else fallback_path,
 * which may be NULL).  Writes at most n bytes, NUL included; a buffer of
 * SL_ERR_TEXT bytes always holds it. */
#define SL_ERR_TEXT (sizeof(((struct sl_errctx *)0)->path) + \
		     sizeof(((struct sl_errctx *)0)->msg) + 32)
void sl_err_format(const struct sl_errctx *ctx, const char *fallback_path, char *buf, size_t n);

#endif
