// Small containers for the shim: growable arrays, a uint64 hash map and a
// string interner. Internal to CLLVMShim.
#ifndef TRIM_TABLES_H
#define TRIM_TABLES_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VEC(T) struct { T *items; size_t count, capacity; }
#define VEC_PUSH(v, x)                                                         \
  do {                                                                         \
    if ((v).count == (v).capacity) {                                           \
      (v).capacity = (v).capacity ? (v).capacity * 2 : 16;                     \
      (v).items = realloc((v).items, (v).capacity * sizeof(*(v).items));       \
    }                                                                          \
    (v).items[(v).count++] = (x);                                              \
  } while (0)

static inline uint64_t trim_mix(uint64_t h, uint64_t v) {
  v *= 0xff51afd7ed558ccdULL;
  v ^= v >> 33;
  v *= 0xc4ceb9fe1a85ec53ULL;
  h ^= v;
  h = (h << 27) | (h >> 37);
  return h * 5 + 0x52dce729ULL;
}

static inline uint64_t trim_hash_bytes(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  h = trim_mix(h, n);
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h = trim_mix(h, w);
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  memcpy(&tail, p, n);
  return trim_mix(h, tail ^ ((uint64_t)n << 56));
}

/// Open-addressing map from a non-zero uint64 key to a uint64 value.
typedef struct {
  uint64_t *keys;
  uint64_t *values;
  size_t capacity; // power of two
  size_t count;
} u64map;

void u64map_init(u64map *m, size_t expected);
void u64map_free(u64map *m);
/// Returns a pointer to the value slot, or NULL when absent.
uint64_t *u64map_find(const u64map *m, uint64_t key);
/// Returns the value slot, inserting 0 when absent.
uint64_t *u64map_upsert(u64map *m, uint64_t key);

/// Interns strings, handing out stable indices.
typedef struct {
  VEC(char *) strings;
  u64map index; // string hash -> index + 1 (chained on collision by linear scan)
} interner;

void interner_init(interner *in);
uint32_t interner_add(interner *in, const char *s, size_t len);

#endif
