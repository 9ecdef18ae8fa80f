// Merges the tables of a module read in parts (module_reader.c) into one
// trim_module: functions in module order, strings re-interned, indices into
// the shared arrays rebased, so the result is the same for any number of parts.
#include "fingerprint.h"
#include <stdio.h>

#define MOVE_VEC(dst, dst_count, v) \
  do { (dst) = (v).items; (dst_count) = (v).count; } while (0)

typedef struct {
  fingerprint_state *state;
  uint32_t *strings; // the part's string index -> the merged index
} merge_source;

static uint32_t remap_string(interner *merged, merge_source *src, uint32_t index) {
  if (index == UINT32_MAX) return UINT32_MAX;
  if (src->strings[index] == UINT32_MAX) {
    const char *s = src->state->strings.strings.items[index];
    src->strings[index] = interner_add(merged, s, strlen(s));
  }
  return src->strings[index];
}

/// Appends a part's function refs [first, first + count) to the merged list;
/// returns where they start there.
static uint32_t copy_refs(fingerprint_state *out, merge_source *src, uint32_t first, uint32_t count) {
  uint32_t start = (uint32_t)out->function_refs.count;
  for (uint32_t i = 0; i < count; i++)
    VEC_PUSH(out->function_refs, remap_string(&out->strings, src, src->state->function_refs.items[first + i]));
  return start;
}

trim_module *fingerprint_merge(fingerprint_state **states, unsigned count, const char *source,
                               size_t source_length) {
  fingerprint_state out;
  memset(&out, 0, sizeof out);
  interner_init(&out.strings);
  uint32_t source_filename = interner_add(&out.strings, source, source_length);
  merge_source *src = calloc(count, sizeof *src);
  size_t *next = calloc(count, sizeof *next), *next_global = calloc(count, sizeof *next_global);
  for (unsigned k = 0; k < count; k++) {
    src[k].state = states[k];
    size_t n = states[k]->strings.strings.count;
    src[k].strings = malloc((n ? n : 1) * sizeof(uint32_t));
    memset(src[k].strings, 0xff, (n ? n : 1) * sizeof(uint32_t));
  }
  // Functions in module order (each part's list is in module order).
  for (;;) {
    unsigned best = count;
    uint32_t best_index = UINT32_MAX;
    for (unsigned k = 0; k < count; k++) {
      fingerprint_state *st = src[k].state;
      if (next[k] < st->function_indices.count && st->function_indices.items[next[k]] < best_index) {
        best = k;
        best_index = st->function_indices.items[next[k]];
      }
    }
    if (best == count) break;
    merge_source *s = &src[best];
    fingerprint_state *st = s->state;
    trim_function f = st->functions.items[next[best]++];
    f.symbol = remap_string(&out.strings, s, f.symbol);
    f.demangled = remap_string(&out.strings, s, f.demangled);
    f.file = remap_string(&out.strings, s, f.file);
    uint32_t first_block = f.first_block;
    f.first_block = (uint32_t)out.blocks.count;
    for (uint32_t b = 0; b < f.block_count; b++) {
      trim_block block = st->blocks.items[first_block + b];
      block.file = remap_string(&out.strings, s, block.file);
      uint32_t first_successor = block.first_successor, first_ref = block.first_external_ref;
      uint32_t first_function_ref = block.first_function_ref;
      block.first_successor = (uint32_t)out.successors.count;
      for (uint32_t i = 0; i < block.successor_count; i++)
        VEC_PUSH(out.successors, st->successors.items[first_successor + i]);
      block.first_external_ref = (uint32_t)out.external_refs.count;
      for (uint32_t i = 0; i < block.external_ref_count; i++)
        VEC_PUSH(out.external_refs, remap_string(&out.strings, s, st->external_refs.items[first_ref + i]));
      block.first_function_ref = copy_refs(&out, s, first_function_ref, block.function_ref_count);
      VEC_PUSH(out.blocks, block);
    }
    uint32_t first_coverage = f.first_coverage_block;
    f.first_coverage_block = (uint32_t)out.coverage_blocks.count;
    for (uint32_t i = 0; i < f.coverage_block_count; i++)
      VEC_PUSH(out.coverage_blocks, st->coverage_blocks.items[first_coverage + i]);
    VEC_PUSH(out.functions, f);
    // Its entry among the uncoverable functions' content, if any.
    size_t g = next_global[best];
    if (g < st->function_global_indices.count && st->function_global_indices.items[g] == best_index) {
      trim_global global = st->function_globals.items[g];
      global.symbol = remap_string(&out.strings, s, global.symbol);
      global.first_function_ref = copy_refs(&out, s, global.first_function_ref, global.function_ref_count);
      VEC_PUSH(out.globals, global);
      next_global[best]++;
    }
  }
  for (unsigned k = 0; k < count; k++) {
    fingerprint_state *st = src[k].state;
    for (size_t i = 0; i < st->globals.count; i++) {
      trim_global global = st->globals.items[i];
      global.symbol = remap_string(&out.strings, &src[k], global.symbol);
      global.first_function_ref = copy_refs(&out, &src[k], global.first_function_ref, global.function_ref_count);
      VEC_PUSH(out.globals, global);
    }
    for (size_t i = 0; i < st->test_descriptors.count; i++) {
      trim_test_descriptor d = st->test_descriptors.items[i];
      uint32_t first = d.first_string;
      d.first_string = (uint32_t)out.descriptor_strings.count;
      for (uint32_t j = 0; j < d.string_count; j++)
        VEC_PUSH(out.descriptor_strings, remap_string(&out.strings, &src[k], st->descriptor_strings.items[first + j]));
      d.first_function_ref = copy_refs(&out, &src[k], d.first_function_ref, d.function_ref_count);
      VEC_PUSH(out.test_descriptors, d);
    }
  }

  trim_module *m = calloc(1, sizeof(trim_module));
  m->status = TRIM_OK;
  m->source_filename = source_filename;
  m->strings = (const char **)out.strings.strings.items;
  m->string_count = out.strings.strings.count;
  MOVE_VEC(m->functions, m->function_count, out.functions);
  MOVE_VEC(m->blocks, m->block_count, out.blocks);
  MOVE_VEC(m->successors, m->successor_count, out.successors);
  MOVE_VEC(m->external_refs, m->external_ref_count, out.external_refs);
  MOVE_VEC(m->function_refs, m->function_ref_count, out.function_refs);
  MOVE_VEC(m->globals, m->global_count, out.globals);
  MOVE_VEC(m->coverage_blocks, m->coverage_block_count, out.coverage_blocks);
  MOVE_VEC(m->test_descriptors, m->test_descriptor_count, out.test_descriptors);
  MOVE_VEC(m->descriptor_strings, m->descriptor_string_count, out.descriptor_strings);
  u64map_free(&out.strings.index);
  for (unsigned k = 0; k < count; k++) free(src[k].strings);
  free(src);
  free(next);
  free(next_global);
  return m;
}
