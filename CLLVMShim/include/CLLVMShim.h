// CLLVMShim: the thin C layer between LLVM and trim.
//
// LLVM in, plain C data out. One call reads a bitcode file and returns every
// defined function with its basic blocks, each block reduced to a normalised
// 64-bit hash, its successors, its first source location and its size. The
// caller owns the result and frees it with trim_module_free. Nothing here
// exits the process: errors come back as a message in the result. Linking
// this loads libLLVM: only the reader process (trim-ir-worker) does; what
// trim itself needs of LLVM without it (BLAKE3, the version) is CContentHash.
#ifndef CLLVMSHIM_H
#define CLLVMSHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Why reading a module failed.
typedef enum {
  TRIM_OK = 0,
  TRIM_ERR_OPEN = 1,    ///< the file could not be opened or read
  TRIM_ERR_PARSE = 2,   ///< LLVM rejected the bitcode (message says why)
} trim_status;

typedef struct {
  uint64_t hash;              ///< normalised content hash (successor identities excluded)
  uint32_t first_successor;   ///< index into trim_module.successors
  uint32_t successor_count;   ///< successors are block indices within the same function
  uint32_t file;              ///< index into trim_module.strings, UINT32_MAX when unknown
  uint32_t line;              ///< first source line of the block, 0 when unknown
  uint32_t instruction_count; ///< instructions counted in the hash
  uint32_t first_external_ref;///< index into trim_module.external_refs
  uint32_t external_ref_count;///< what the block uses whose content its hash cannot hold: globals
                              ///< defined in another module, and callees coverage cannot see
                              ///< (uncoverable here, or declared here and defined elsewhere)
  uint32_t first_function_ref;///< index into trim_module.function_refs
  uint32_t function_ref_count;///< functions whose symbol carries a crate hash that the block names
                              ///< (called, or inside a constant it uses), in order: the hash holds
                              ///< only their symbols without the hash; the caller folds in which
                              ///< function each is once it knows the whole crate
} trim_block;

typedef struct {
  uint32_t symbol;            ///< index into strings: the linkage name
  uint32_t demangled;         ///< index into strings: LLVM's demangling (Rust legacy escapes kept)
  uint32_t file;              ///< index into strings, UINT32_MAX when unknown
  uint32_t line;              ///< line of the definition, 0 when unknown
  uint32_t first_block;       ///< index into trim_module.blocks (layout order)
  uint32_t block_count;
  uint8_t is_test_harness_main; ///< calls libtest's test_main_static: embeds every test's line
  uint32_t first_coverage_block; ///< index into trim_module.coverage_blocks
  uint32_t coverage_block_count; ///< 0 when the function carries no SanitizerCoverage PC table
  uint64_t name_hash;         ///< hash of its debug-info name (type arguments included), 0 without
} trim_function;

typedef struct {
  uint32_t symbol;            ///< index into strings
  uint64_t content_hash;      ///< normalised hash of the initializer
  uint32_t first_function_ref;///< index into trim_module.function_refs: the functions its
  uint32_t function_ref_count;///< initializer names, as for a block (none for a function's entry)
} trim_global;

/// One libtest test descriptor (`#[test]` with its attributes), found through
/// the harness `main`'s call to test_main_static.
typedef struct {
  uint64_t digest;        ///< its content with source line/column masked: attributes
                          ///< such as #[should_panic(expected = ..)] and #[ignore] are in it
  uint32_t first_string;  ///< index into trim_module.descriptor_strings
  uint32_t string_count;  ///< the strings it points at (the test's name among them)
  uint32_t first_function_ref; ///< index into trim_module.function_refs: the functions it
  uint32_t function_ref_count; ///< points at (the test's body), as for a block
} trim_test_descriptor;

typedef struct {
  trim_status status;
  char *error;                ///< set when status != TRIM_OK
  char *producer_hint;        ///< producer string found in LLVM's message, if any

  const char **strings;       ///< interned strings (symbols, file names)
  size_t string_count;
  trim_function *functions;
  size_t function_count;
  trim_block *blocks;
  size_t block_count;
  uint32_t *successors;
  size_t successor_count;
  uint32_t *external_refs;    ///< indices into strings
  size_t external_ref_count;
  uint32_t *function_refs;    ///< indices into strings: symbols of the functions named
  size_t function_ref_count;
  uint32_t *coverage_blocks;  ///< per function, its blocks (layout indices) in PC-table order:
                              ///< coverage slot k of the function is block coverage_blocks[first + k]
  size_t coverage_block_count;
  trim_global *globals;       ///< globals defined here with external linkage, and the
                              ///< uncoverable functions defined here, by symbol (a function's
                              ///< content_hash holds its blocks as hashed here, references unfolded)
  size_t global_count;
  uint32_t source_filename;   ///< index into strings
  trim_test_descriptor *test_descriptors;
  size_t test_descriptor_count;
  uint32_t *descriptor_strings; ///< indices into strings
  size_t descriptor_string_count;
  unsigned threads_used;      ///< how many threads read the module (1 unless it could be split)
  unsigned contexts_loaded;   ///< how many LLVM contexts loaded the module (more than threads_used
                              ///< only when a large module was loaded by every thread at once)
} trim_module;

/// Reads and fingerprints one bitcode file with up to `threads` threads
/// (each with its own LLVM context and its share of the function bodies),
/// when the module's bodies can be read one by one; the result is the same
/// for any number of threads. Never returns NULL.
trim_module *trim_read_bitcode(const char *path, unsigned threads);

/// The same, but leaves LLVM's modules and contexts allocated: for a process
/// that exits right after (the fingerprint worker), where tearing them down
/// costs about a fifth of the parse.
trim_module *trim_read_bitcode_then_exit(const char *path, unsigned threads);

/// Parses a bitcode file and throws the module away: the bare LLVM parse
/// cost, for benchmarks. Returns 0 on success; on failure a message the
/// caller frees with free().
int trim_parse_only(const char *path, char **error);

/// Frees everything trim_read_bitcode allocated.
void trim_module_free(trim_module *module);

/// The LLVM version this shim has loaded, e.g. "22.1.8" (libLLVM's own
/// answer, not its headers'). Formats into a static buffer: not for
/// concurrent first calls.
const char *trim_llvm_version(void);

/// One source line a block's instructions point at (inlined code included).
typedef struct {
  uint32_t file;              ///< index into trim_block_lines.strings: absolute (the compilation
                              ///< directory joined to a relative name)
  uint32_t line;
} trim_source_line;

typedef struct {
  uint32_t first_line;        ///< index into trim_block_lines.lines
  uint32_t line_count;        ///< distinct (file, line) pairs, in instruction order
} trim_line_block;

typedef struct {
  uint32_t symbol;            ///< index into strings: the linkage name
  uint32_t first_block;       ///< index into trim_block_lines.blocks (layout order, as trim_function)
  uint32_t block_count;
} trim_line_function;

/// Every defined function's blocks with the source lines of their debug
/// locations. `error` is set (and the rest empty) when the file cannot be read.
typedef struct {
  char *error;
  const char **strings;
  size_t string_count;
  trim_line_function *functions;
  size_t function_count;
  trim_line_block *blocks;
  size_t block_count;
  trim_source_line *lines;
  size_t line_count;
} trim_block_lines;

/// Reads a bitcode file and lists each block's source lines. Never returns NULL.
trim_block_lines *trim_read_block_lines(const char *path);

/// Frees everything trim_read_block_lines allocated.
void trim_block_lines_free(trim_block_lines *lines);

#ifdef __cplusplus
}
#endif

#endif
