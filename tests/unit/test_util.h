/* Helpers shared by the unit tests. */
#ifndef GP_TEST_UTIL_H
#define GP_TEST_UTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* An absolute path under the source tree. */
static inline const char *src_path(const char *rel)
{
    static char buf[8][4096];
    static int next;
    char *b = buf[next++ % 8];
    snprintf(b, sizeof(buf[0]), "%s/%s", GP_SOURCE_DIR, rel);
    return b;
}

/* Relative comparison for doubles computed two ways. */
#define assert_close(a, b, rel)                                                \
    do {                                                                       \
        double a_ = (a), b_ = (b);                                             \
        if (!(fabs(a_ - b_) <= (rel) * fabs(b_) + 1e-12))                      \
            fail_msg("%s = %.12g, expected %.12g", #a, a_, b_);                \
    } while (0)

#endif
