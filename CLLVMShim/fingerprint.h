// Internal to CLLVMShim: the state shared by the reader and the hasher.
#ifndef TRIM_FINGERPRINT_H
#define TRIM_FINGERPRINT_H

#include "CLLVMShim.h"
#include "tables.h"
#include <llvm-c/Core.h>
#include <stdbool.h>

typedef VEC(uint32_t) u32vec;

typedef struct {
  LLVMModuleRef module;
  interner strings;
  VEC(trim_function) functions;
  VEC(trim_block) blocks;
  VEC(uint32_t) successors;
  VEC(uint32_t) external_refs;
  u32vec function_refs; // symbols (string indices) of named functions, ranges per block
  VEC(trim_global) globals;
  VEC(uint32_t) coverage_blocks;
  VEC(trim_test_descriptor) test_descriptors;
  VEC(uint32_t) descriptor_strings;
  u64map pc_tables;       // function -> its SanitizerCoverage PC table global

  u64map type_hashes;     // LLVMTypeRef -> hash
  u64map constant_hashes; // LLVMValueRef (constant or global) -> hash
  u64map in_progress;     // globals whose initializer is being hashed (cycle guard)
  u64map reference_names; // GlobalValue -> hash of the name used when it is referenced;
                          // function + 1 -> 2 when its symbol carries a crate hash, else 1
  u64map stripped_counts; // stripped_key (symbol without its crate hash, debug-info name) -> count
  u64map global_refs;     // global -> (start << 32 | count) + 1 of its initializer's function refs in ref_pool
  u32vec ref_pool;        // those lists

  // Reading in parts (threads, each with its own context): this state walks
  // the functions at `own` (ascending indices in the module's function list,
  // bodies read); globals are listed by part 0 only.
  unsigned part;
  const uint32_t *own;
  size_t own_count;
  VEC(uint32_t) function_indices;        // per entry of `functions`: its index in the module
  VEC(trim_global) function_globals;     // uncoverable functions' content, listed like globals
  VEC(uint32_t) function_global_indices; // per entry of `function_globals`: the function's index
  /// Every part's uncoverable functions (hash of symbol -> 1): a callee whose
  /// body another part read is looked up here.
  const u64map *uncoverable_sets;
  unsigned uncoverable_set_count;
  /// Every part's defined functions: symbol key -> fingerprint_subprogram_hash.
  const u64map *subprogram_sets;
  unsigned subprogram_set_count;
} fingerprint_state;

/// A hash of the debug-info name of `fn` (whose body is read): a generic
/// instance's type arguments are there; 0 without debug info.
uint64_t fingerprint_subprogram_hash(LLVMValueRef fn);

/// The key of a symbol in the uncoverable sets.
uint64_t fingerprint_symbol_key(LLVMValueRef function);

/// Whether `fn` (whose body is read) ends its entry block in `unreachable`,
/// which SanitizerCoverage takes as "never instrument".
bool fingerprint_is_uncoverable(LLVMValueRef fn);

/// One trim_module from the states of a module's parts (each fingerprinted
/// with its own `own` functions), in module order.
trim_module *fingerprint_merge(fingerprint_state **states, unsigned count, const char *source,
                               size_t source_length);

/// Reads libtest's test descriptors passed to test_main_static by `call`.
void fingerprint_test_descriptors(fingerprint_state *state, LLVMValueRef call);

/// Walks every defined function of state->module and fills the tables.
void fingerprint_module(fingerprint_state *state);

char *trim_demangle(const char *symbol);

#endif
