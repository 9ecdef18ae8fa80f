#include "symbol_names.h"
#include <stdbool.h>
#include <string.h>

static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
static bool is_base62(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static size_t without_legacy_hash(const char *name, size_t len, char *out) {
  size_t keep = len;
  if (len >= 21 && name[len - 1] == 'E' && memcmp(name + len - 20, "17h", 3) == 0) {
    bool hex = true;
    for (size_t i = len - 17; i < len - 1; i++) hex = hex && is_hex(name[i]);
    if (hex) keep = len - 20;
  }
  memcpy(out, name, keep);
  if (keep != len) out[keep++] = 'E';
  out[keep] = 0;
  return keep;
}

/// `Cs<base62>_` followed by an identifier's length: a crate root with its
/// disambiguator. Returns the index just past `_`, or 0 when `at` is not one.
static size_t disambiguator_end(const char *name, size_t len, size_t at) {
  if (at + 3 >= len || name[at] != 'C' || name[at + 1] != 's') return 0;
  size_t j = at + 2;
  while (j < len && is_base62(name[j])) j++;
  if (j + 1 >= len || name[j] != '_' || name[j + 1] < '1' || name[j + 1] > '9') return 0;
  return j + 1;
}

static size_t without_v0_disambiguators(const char *name, size_t len, char *out) {
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    size_t end = disambiguator_end(name, len, i);
    if (end) {
      out[n++] = 'C';
      i = end;
    } else {
      out[n++] = name[i++];
    }
  }
  out[n] = 0;
  return n;
}

size_t trim_symbol_without_hash(const char *name, size_t len, char *out) {
  if (len > 3 && memcmp(name, "_ZN", 3) == 0) return without_legacy_hash(name, len, out);
  if (len > 2 && memcmp(name, "_R", 2) == 0) return without_v0_disambiguators(name, len, out);
  memcpy(out, name, len);
  out[len] = 0;
  return len;
}
