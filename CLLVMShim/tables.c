#include "tables.h"

static inline size_t slot_of(uint64_t key, size_t mask) {
  key ^= key >> 31;
  key *= 0x7fb5d329728ea185ULL;
  key ^= key >> 27;
  return (size_t)key & mask;
}

void u64map_init(u64map *m, size_t expected) {
  size_t cap = 16;
  while (cap < expected * 2) cap <<= 1;
  m->keys = calloc(cap, sizeof(uint64_t));
  m->values = calloc(cap, sizeof(uint64_t));
  m->capacity = cap;
  m->count = 0;
}

void u64map_free(u64map *m) {
  free(m->keys);
  free(m->values);
  memset(m, 0, sizeof(*m));
}

// Key 0 marks an empty slot; callers' zero keys are remapped to a fixed odd value.
static inline uint64_t real_key(uint64_t key) { return key ? key : 0x9e3779b97f4a7c15ULL; }

uint64_t *u64map_find(const u64map *m, uint64_t key) {
  key = real_key(key);
  size_t mask = m->capacity - 1;
  for (size_t i = slot_of(key, mask);; i = (i + 1) & mask) {
    if (m->keys[i] == key) return &m->values[i];
    if (m->keys[i] == 0) return NULL;
  }
}

static void grow(u64map *m) {
  u64map bigger;
  u64map_init(&bigger, m->capacity);
  size_t mask = bigger.capacity - 1;
  for (size_t i = 0; i < m->capacity; i++) {
    if (!m->keys[i]) continue;
    size_t j = slot_of(m->keys[i], mask);
    while (bigger.keys[j]) j = (j + 1) & mask;
    bigger.keys[j] = m->keys[i];
    bigger.values[j] = m->values[i];
  }
  bigger.count = m->count;
  u64map_free(m);
  *m = bigger;
}

uint64_t *u64map_upsert(u64map *m, uint64_t key) {
  if ((m->count + 1) * 4 > m->capacity * 3) grow(m);
  key = real_key(key);
  size_t mask = m->capacity - 1;
  size_t i = slot_of(key, mask);
  while (m->keys[i] && m->keys[i] != key) i = (i + 1) & mask;
  if (!m->keys[i]) {
    m->keys[i] = key;
    m->values[i] = 0;
    m->count++;
  }
  return &m->values[i];
}

void interner_init(interner *in) {
  memset(in, 0, sizeof(*in));
  u64map_init(&in->index, 256);
}

uint32_t interner_add(interner *in, const char *s, size_t len) {
  // Probe successive derived keys until the string or a free key is found.
  uint64_t key = trim_hash_bytes(0x1234, s, len);
  for (;; key = trim_mix(key, 1)) {
    uint64_t *slot = u64map_upsert(&in->index, key);
    if (*slot == 0) {
      char *copy = malloc(len + 1);
      memcpy(copy, s, len);
      copy[len] = 0;
      VEC_PUSH(in->strings, copy);
      *slot = in->strings.count;
      return (uint32_t)(in->strings.count - 1);
    }
    const char *existing = in->strings.items[*slot - 1];
    if (strlen(existing) == len && memcmp(existing, s, len) == 0) return (uint32_t)(*slot - 1);
  }
}
