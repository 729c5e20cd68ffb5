#ifndef STAMPWATCH_CZLIB_SHIM_H
#define STAMPWATCH_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 and deflateInit2 are macros over functions that also take the library version and struct size. */
static inline int czlib_inflate_init_gzip(z_streamp strm) {
    return inflateInit2(strm, 16 + MAX_WBITS);
}

static inline int czlib_deflate_init_gzip(z_streamp strm, int level) {
    return deflateInit2(strm, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}
#endif
