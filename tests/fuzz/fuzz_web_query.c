/* Fuzz the web API's query parser (web/query.c): any bytes as a URL query
 * against an option table like offers'. Checks: every argv word it makes
 * starts with "--", holds no control character, and a refused option never
 * reaches argv. Also the server's own parameter split (gp_web_take_param):
 * what it keeps plus what it takes is never longer than the query, and
 * the parameter it takes out never stays in. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cmd.h"
#include "web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const gp_opt OPTS[] = {
    {"gpu", 'g', OPT_STRING, 0, "NAME[:COUNT]", NULL, "gpu"},
    {"spot", 0, OPT_FLAG, 0, NULL, NULL, "spot"},
    {"provider", 'p', OPT_STRING, OPT_REPEAT, "LIST", NULL, "provider"},
    {"max-price", 0, OPT_USD, 0, "USD", NULL, "max price"},
    {"format", 'f', OPT_CHOICE, 0, "FMT", "table|csv|json|md", "format"},
    {"svg", 0, OPT_STRING, 0, "FILE", NULL, "svg"},
    {"export", 0, OPT_CHOICE, OPT_TWO, "FORMAT FILE", "skypilot|dstack", "export"},
    {"catalog", 'c', OPT_STRING, OPT_REPEAT, "PATH", NULL, "catalog"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[20000];
    if (size >= sizeof(text))
        size = sizeof(text) - 1;
    memcpy(text, data, size);
    text[size] = '\0';
    gp_web_query q;
    int rc = gp_web_query_parse(OPTS, sizeof(OPTS) / sizeof(OPTS[0]), 1, text, &q);
    if (rc != 0 && !(q.status == 400 || q.status == 500))
        __builtin_trap();
    if (rc == 0 && strcmp(q.format, "json") != 0 && strcmp(q.format, "csv") != 0)
        __builtin_trap();
    for (size_t i = 0; i < q.argc; i++) {
        const char *a = q.argv[i];
        if (strncmp(a, "--", 2) != 0 || a[2] < 'a' || a[2] > 'z')
            __builtin_trap();
        for (const char *c = a; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                __builtin_trap();
        static const char *const REFUSED[] = {"svg", "export", "catalog", "format", "help"};
        size_t nlen = strcspn(a + 2, "=");
        for (size_t k = 0; k < sizeof(REFUSED) / sizeof(REFUSED[0]); k++)
            if (strlen(REFUSED[k]) == nlen && strncmp(a + 2, REFUSED[k], nlen) == 0)
                __builtin_trap();
    }
    (void)gp_web_param_of(&q, "gpuplan offers: --gpu 'H100' is bad");
    char rest[20000], value[64];
    int found = 0;
    if (gp_web_take_param(text, "export", rest, sizeof(rest), value, sizeof(value), &found) == 0) {
        if (strlen(rest) > size || (found && strlen(value) > size))
            __builtin_trap();
        for (const char *p = rest; *p;) {
            size_t len = strcspn(p, "&");
            if (len == 0 || (len >= 6 && strncmp(p, "export", 6) == 0 && (len == 6 || p[6] == '=')))
                __builtin_trap();
            p += len;
            if (*p == '&')
                p++;
        }
    }
    gp_web_query_free(&q);
    return 0;
}
