/* Where the best plan launches, and writing its launch file atomically. */
#include "plan_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out.h"

int gp_cli_write_atomic(const char *cmd, const char *flag, const char *path, const char *text,
                        size_t len)
{
    size_t plen = strlen(path);
    char *dirbuf = malloc(plen + 1), *tmp = malloc(plen + 32);
    if (!dirbuf || !tmp) {
        free(dirbuf);
        free(tmp);
        fprintf(stderr, "gpuplan %s: out of memory\n", cmd);
        return 1;
    }
    memcpy(dirbuf, path, plen + 1);
    const char *dir = dirname(dirbuf);
    /* A hidden temporary next to the file: rename() is atomic only within
     * one file system. */
    char *base = malloc(plen + 1);
    if (!base) {
        free(dirbuf);
        free(tmp);
        fprintf(stderr, "gpuplan %s: out of memory\n", cmd);
        return 1;
    }
    memcpy(base, path, plen + 1);
    snprintf(tmp, plen + 32, "%s/.%s.XXXXXX", dir, basename(base));
    free(base);
    int fd = mkstemp(tmp);
    int saved = 0;
    const char *step = "cannot create a file in its directory";
    if (fd >= 0) {
        size_t off = 0;
        while (off < len) {
            ssize_t w = write(fd, text + off, len - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                saved = errno ? errno : EIO;
                step = "cannot write";
                break;
            }
            off += (size_t)w;
        }
        /* mkstemp makes the file 0600; a launch file is an ordinary one. */
        if (!saved && fchmod(fd, 0644) != 0) {
            saved = errno;
            step = "cannot set its mode";
        }
        if (!saved && fsync(fd) != 0) {
            saved = errno;
            step = "cannot flush";
        }
        if (close(fd) != 0 && !saved) {
            saved = errno;
            step = "cannot close";
        }
        if (!saved && rename(tmp, path) != 0) {
            saved = errno;
            step = "cannot replace";
        }
        if (saved)
            unlink(tmp);
    } else {
        saved = errno;
    }
    if (!saved) {
        /* The rename is durable once the directory is flushed. */
        int dfd = open(dir, O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
    }
    free(dirbuf);
    free(tmp);
    if (saved) {
        fprintf(stderr, "gpuplan %s: --%s %s: %s: %s; nothing written\n", cmd, flag, path, step,
                strerror(saved));
        return 1;
    }
    return 0;
}

static const char *zone_text(char *buf, size_t cap, const gp_launch *w)
{
    if (!w->zone[0])
        snprintf(buf, cap, "any zone");
    else if (w->zone_kind == GP_ZONE_ID)
        snprintf(buf, cap, "zone ID %s", w->zone);
    else
        snprintf(buf, cap, "zone %s", w->zone);
    return buf;
}

void gp_cli_launch_text(char *buf, size_t cap, const gp_launch *w, const gp_plan *p)
{
    char zone[160];
    const char *how = w->term == GP_TERM_SPOT        ? "spot"
                      : w->term == GP_TERM_RESERVED ? "on-demand instances under the commitment"
                      : w->term == GP_TERM_FLOOR    ? "on-demand, bidding at the market price"
                                                    : "on-demand";
    snprintf(buf, cap, "%s %s, %s: %d x %s (%d %s each%s), %s", w->provider,
             w->region[0] ? w->region : "(any region)", zone_text(zone, sizeof(zone), w),
             w->instances, w->instance_type, w->gpus_per_instance, w->gpu,
             p->offer->flags & GP_OFFER_PER_GPU_LISTING ? "; priced per GPU, node size not "
                                                           "published"
                                                         : "",
             how);
}

static json_t *str_or_null(const char *s)
{
    return s && s[0] ? gp_json_str(s) : json_null();
}

json_t *gp_cli_launch_json(const gp_launch *w, const char *format, const char *file)
{
    static const char *const ZONE_KIND[] = {"name", "id", "none"};
    json_t *j = json_object();
    json_object_set_new(j, "provider", gp_json_str(w->provider));
    json_object_set_new(j, "region", str_or_null(w->region));
    json_object_set_new(j, "zone", str_or_null(w->zone));
    json_object_set_new(j, "zone_kind", json_string(ZONE_KIND[w->zone_kind]));
    json_object_set_new(j, "instance_type", gp_json_str(w->instance_type));
    json_object_set_new(j, "instances", json_integer(w->instances));
    json_object_set_new(j, "gpus_per_instance", json_integer(w->gpus_per_instance));
    json_object_set_new(j, "gpu", gp_json_str(w->gpu));
    json_object_set_new(j, "spot", json_boolean(w->spot));
    json_object_set_new(j, "usd_per_instance_hour", gp_json_num(w->usd_per_instance_hour));
    json_object_set_new(j, "skypilot_cloud", str_or_null(w->skypilot_cloud));
    json_object_set_new(j, "dstack_backend", str_or_null(w->dstack_backend));
    json_object_set_new(j, "export_format", format ? json_string(format) : json_null());
    json_object_set_new(j, "export_file", file ? gp_json_str(file) : json_null());
    return j;
}
