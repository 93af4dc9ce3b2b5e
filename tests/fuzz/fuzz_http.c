/* Fuzz what the HTTP layer reads from a server before any parser: a
 * Retry-After value and a paging link rebased onto an endpoint
 * (src/fetch/http.c). The input is split at its first newline: the link
 * (or header value) and the base. A rebased URL never keeps a control
 * character or a space, and always starts with the base. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fetch/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[4096];
    if (size >= sizeof(buf))
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    if (strlen(buf) != size)
        return 0; /* header values and links carry no NUL */
    char *nl = strchr(buf, '\n');
    const char *base = "http://127.0.0.1:1/p";
    if (nl) {
        *nl = '\0';
        if (nl[1])
            base = nl + 1;
    }
    (void)gp_http_retry_after(buf, 1700000000);
    char out[4096];
    if (gp_url_rebase(base, "/strip", buf, out, sizeof(out)) == 0) {
        for (const char *c = out; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == ' ' || *c == 0x7f)
                __builtin_trap();
        size_t bl = strlen(base);
        while (bl && base[bl - 1] == '/')
            bl--;
        if (strncmp(out, base, bl) != 0 && !strchr(base, ' '))
            __builtin_trap();
    }
    return 0;
}
