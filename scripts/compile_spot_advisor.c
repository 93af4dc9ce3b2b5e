/* Build helper: compiles AWS's Spot Instance Advisor feed into C data.
 *
 *   compile_spot_advisor OUT.c FEED.json
 *
 * Reads the feed (data/spot-advisor-data.json, 922 KB) with jansson and
 * writes the Linux interruption bands as a static matrix
 * (src/plan/spot_advisor.h), so planning neither parses JSON nor links a
 * JSON library. Fails, naming the file, and writes nothing when the feed
 * does not parse. */
#include <stdio.h>
#include <stdlib.h>

#include "spot_advisor_feed.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: compile_spot_advisor OUT.c FEED.json\n");
        return 2;
    }
    FILE *in = fopen(argv[2], "rb");
    if (!in) {
        perror(argv[2]);
        return 1;
    }
    char *data = NULL;
    size_t len = 0, cap = 0, got;
    char buf[65536];
    while ((got = fread(buf, 1, sizeof(buf), in)) > 0) {
        if (len + got > cap) {
            cap = (len + got) * 2;
            char *p = realloc(data, cap);
            if (!p) {
                fprintf(stderr, "compile_spot_advisor: out of memory\n");
                return 1;
            }
            data = p;
        }
        for (size_t i = 0; i < got; i++)
            data[len + i] = buf[i];
        len += got;
    }
    int read_failed = ferror(in);
    fclose(in);
    if (read_failed) {
        perror(argv[2]);
        return 1;
    }
    sa_feed feed;
    char msg[512];
    if (sa_feed_parse(data, len, &feed, msg, sizeof(msg)) != 0) {
        fprintf(stderr, "%s: %s\n", argv[2], msg);
        free(data);
        return 3;
    }
    free(data);
    /* Written beside, then renamed: a failed run leaves no partial file. */
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
    FILE *out = fopen(tmp, "w");
    if (!out) {
        perror(tmp);
        sa_feed_free(&feed);
        return 1;
    }
    int bad = sa_feed_write_c(&feed, out);
    bad |= fclose(out) != 0;
    sa_feed_free(&feed);
    if (bad || rename(tmp, argv[1]) != 0) {
        perror(argv[1]);
        remove(tmp);
        return 1;
    }
    return 0;
}
