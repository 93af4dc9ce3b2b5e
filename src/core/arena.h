/* Internal: a bump allocator and a string interner built on it.
 *
 * An arena hands out memory that lives until gp_arena_free(); nothing is
 * freed one by one. The interner returns one shared copy per distinct
 * string, so a catalog with a million rows holds each region, provider and
 * instance-type name once. */
#ifndef GP_ARENA_H
#define GP_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct gp_arena_block gp_arena_block;

typedef struct gp_arena {
    gp_arena_block *head;
    size_t used_bytes; /* bytes handed out, for memory reports */
} gp_arena;

void gp_arena_init(gp_arena *a);
void gp_arena_free(gp_arena *a);
/* Returns zeroed memory aligned for any type, or NULL when out of memory. */
void *gp_arena_alloc(gp_arena *a, size_t size);
/* Copies len bytes and a terminating NUL. NULL when out of memory. */
char *gp_arena_strndup(gp_arena *a, const char *s, size_t len);
char *gp_arena_strdup(gp_arena *a, const char *s);
/* printf into the arena. NULL when out of memory. */
char *gp_arena_printf(gp_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

typedef struct gp_strtab {
    gp_arena *arena;   /* borrowed */
    const char **slots;
    uint32_t *hashes;
    size_t *lens;
    size_t cap;
    size_t count;
} gp_strtab;

void gp_strtab_init(gp_strtab *in, gp_arena *arena);
void gp_strtab_free(gp_strtab *in);
/* The shared copy of s[0..len); NULL when out of memory. */
const char *gp_strtab_add_n(gp_strtab *in, const char *s, size_t len);
const char *gp_strtab_add(gp_strtab *in, const char *s);
/* Interns a string the caller guarantees outlives the table (static
 * data): no copy is made unless an equal string is already there, in
 * which case that one is returned. NULL when out of memory. */
const char *gp_strtab_add_static(gp_strtab *in, const char *s, size_t len);
/* The shared copy if s[0..len) was interned before, else NULL. */
const char *gp_strtab_find(const gp_strtab *in, const char *s, size_t len);

/* Hash of a byte string, used for keys across the library. */
/* Grows the heap array *arr (elements of `size` bytes, *cap of them) so
 * that it holds at least count + 1, doubling from 64. Returns 0, or -1 on
 * overflow or out of memory (the array is left as it was). */
int gp_grow(void **arr, size_t *cap, size_t count, size_t size);

uint32_t gp_hash_bytes(const void *data, size_t len, uint32_t seed);
#define GP_HASH_SEED 2166136261u

#endif
