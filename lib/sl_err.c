#include "sl_err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *sl_strerror(int code)
{
	switch (code) {
	case SL_OK: return "success";
	case SL_ENOMEM: return "out of memory";
	case SL_EIO: return "input/output error";
	case SL_EFORMAT: return "bad file format";
	case SL_ECHECKSUM: return "checksum mismatch";
	case SL_EPARSE: return "parse error";
	case SL_ELIMIT: return "limit exceeded";
	case SL_EVERSION: return "unsupported format version";
	case SL_ELOCKED: return "locked by another process";
	case SL_EINVAL: return "invalid argument";
	case SL_ETRUNC: return "unexpected end of input";
	}
	return "unknown error";
}

int sl_err_vset(struct sl_errctx *ctx, int code, const char *path, long line,
		const char *fmt, va_list ap)
{
	int saved = errno;

	if (!ctx)
		return code;
	ctx->code = code;
	ctx->sys_errno = code == SL_EIO ? saved : 0;
	ctx->line = line;
	snprintf(ctx->path, sizeof(ctx->path), "%s", path ? path : "");
	if (fmt)
		vsnprintf(ctx->msg, sizeof(ctx->msg), fmt, ap);
	else
		snprintf(ctx->msg, sizeof(ctx->msg), "%s", sl_strerror(code));
	errno = saved;
	return code;
}

int sl_err_set(struct sl_errctx *ctx, int code, const char *path, long line,
	       const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = sl_err_vset(ctx, code, path, line, fmt, ap);
	va_end(ap);
	return r;
}

void sl_err_clear(struct sl_errctx *ctx)
{
	if (ctx)
		memset(ctx, 0, sizeof(*ctx));
}

void sl_err_format(const struct sl_errctx *ctx, const char *fallback_path, char *buf, size_t n)
{
	const char *path = ctx->path[0] ? ctx->path : fallback_path;
	const char *msg = ctx->msg[0] ? ctx->msg : sl_strerror(ctx->code);

	if (path && ctx->line)
		snprintf(buf, n, "'%s':%ld: %s", path, ctx->line, msg);
	else if (path)
		snprintf(buf, n, "'%s': %s", path, msg);
	else
		snprintf(buf, n, "%s", msg);
}
