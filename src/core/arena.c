#include "core/arena.h"
#include "core/numparse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK_BYTES = 64 * 1024 };

struct gp_arena_block {
    gp_arena_block *next;
    size_t cap;
    size_t used;
    max_align_t data[]; /* aligned payload */
};

void gp_arena_init(gp_arena *a)
{
    a->head = NULL;
    a->used_bytes = 0;
}

void gp_arena_free(gp_arena *a)
{
    gp_arena_block *b = a->head;
    while (b) {
        gp_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used_bytes = 0;
}

void *gp_arena_alloc(gp_arena *a, size_t size)
{
    const size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    if (size == 0)
        size = align;
    gp_arena_block *b = a->head;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > BLOCK_BYTES ? size : BLOCK_BYTES;
        gp_arena_block *nb = malloc(sizeof(*nb) + cap);
        if (!nb)
            return NULL;
        nb->cap = cap;
        nb->used = 0;
        /* A large one-off block goes behind the head so the head's free
         * space is not wasted. */
        if (b && size > BLOCK_BYTES) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    a->used_bytes += size;
    memset(p, 0, size);
    return p;
}

char *gp_arena_strndup(gp_arena *a, const char *s, size_t len)
{
    char *p = gp_arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *gp_arena_strdup(gp_arena *a, const char *s)
{
    return gp_arena_strndup(a, s, strlen(s));
}

char *gp_arena_printf(gp_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = gp_vsnprintf_c(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = gp_arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    gp_vsnprintf_c(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* A word-at-a-time multiplicative hash: catalog keys such as GpuInfo text
 * run to 200 bytes a row, and a byte loop costs a million rows dearly. */
uint32_t gp_hash_bytes(const void *data, size_t len, uint32_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ (len * 0x9E3779B97F4A7C15ull);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    uint64_t tail = 0;
    memcpy(&tail, p, len);
    h = (h ^ tail) * 0x94D049BB133111EBull;
    h ^= h >> 31;
    return (uint32_t)(h ^ (h >> 32));
}

void gp_strtab_init(gp_strtab *in, gp_arena *arena)
{
    memset(in, 0, sizeof(*in));
    in->arena = arena;
}

void gp_strtab_free(gp_strtab *in)
{
    free(in->slots);
    free(in->hashes);
    free(in->lens);
    in->slots = NULL;
    in->hashes = NULL;
    in->lens = NULL;
    in->cap = in->count = 0;
}

static int strtab_grow(gp_strtab *in)
{
    size_t cap = in->cap ? in->cap * 2 : 256;
    const char **slots = calloc(cap, sizeof(*slots));
    uint32_t *hashes = calloc(cap, sizeof(*hashes));
    size_t *lens = calloc(cap, sizeof(*lens));
    if (!slots || !hashes || !lens) {
        free(slots);
        free(hashes);
        free(lens);
        return -1;
    }
    for (size_t i = 0; i < in->cap; i++) {
        if (!in->slots[i])
            continue;
        size_t j = in->hashes[i] & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = in->slots[i];
        hashes[j] = in->hashes[i];
        lens[j] = in->lens[i];
    }
    free(in->slots);
    free(in->hashes);
    free(in->lens);
    in->slots = slots;
    in->hashes = hashes;
    in->lens = lens;
    in->cap = cap;
    return 0;
}

/* The slot of s in the table: where it is, or the empty slot where it
 * would go (*found says which). The table must not be empty. */
static size_t probe(const gp_strtab *in, const char *s, size_t len, uint32_t h,
                    int *found)
{
    size_t j = h & (in->cap - 1);
    while (in->slots[j]) {
        if (in->hashes[j] == h && in->lens[j] == len &&
            memcmp(in->slots[j], s, len) == 0) {
            *found = 1;
            return j;
        }
        j = (j + 1) & (in->cap - 1);
    }
    *found = 0;
    return j;
}

static const char *strtab_insert(gp_strtab *in, const char *s, size_t len,
                                 int copy)
{
    if ((in->count + 1) * 2 > in->cap && strtab_grow(in) != 0)
        return NULL;
    uint32_t h = gp_hash_bytes(s, len, GP_HASH_SEED);
    int found;
    size_t j = probe(in, s, len, h, &found);
    if (found)
        return in->slots[j];
    const char *stored = copy ? gp_arena_strndup(in->arena, s, len) : s;
    if (!stored)
        return NULL;
    in->slots[j] = stored;
    in->hashes[j] = h;
    in->lens[j] = len;
    in->count++;
    return stored;
}

const char *gp_strtab_add_n(gp_strtab *in, const char *s, size_t len)
{
    return strtab_insert(in, s, len, 1);
}

const char *gp_strtab_add_static(gp_strtab *in, const char *s, size_t len)
{
    return strtab_insert(in, s, len, 0);
}

const char *gp_strtab_add(gp_strtab *in, const char *s)
{
    return gp_strtab_add_n(in, s, strlen(s));
}

const char *gp_strtab_find(const gp_strtab *in, const char *s, size_t len)
{
    if (in->cap == 0)
        return NULL;
    int found;
    size_t j = probe(in, s, len, gp_hash_bytes(s, len, GP_HASH_SEED), &found);
    return found ? in->slots[j] : NULL;
}

int gp_grow(void **arr, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 64;
    if (size == 0 || ncap > SIZE_MAX / size)
        return -1;
    void *p = realloc(*arr, ncap * size);
    if (!p)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}
