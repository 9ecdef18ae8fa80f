// Opens a bitcode file safely (diagnostics captured, never exit()) and hands
// the parsed module to the hasher; then flattens the tables into trim_module.
#include "fingerprint.h"
#include <llvm-c/BitReader.h>
#include <llvm-c/Core.h>
#include <llvm-c/blake3.h>
#include <stdio.h>

typedef struct {
  char message[4096];
  int seen;
} diagnostics;

static void on_diagnostic(LLVMDiagnosticInfoRef info, void *context) {
  diagnostics *d = context;
  if (LLVMGetDiagInfoSeverity(info) != LLVMDSError) return;
  char *text = LLVMGetDiagInfoDescription(info);
  if (!d->seen) {
    snprintf(d->message, sizeof d->message, "%s", text ? text : "unknown error");
    d->seen = 1;
  }
  LLVMDisposeMessage(text);
}

static char *copy_string(const char *s) {
  size_t n = strlen(s);
  char *out = malloc(n + 1);
  memcpy(out, s, n + 1);
  return out;
}

static char *producer_in(const char *message) {
  const char *start = strstr(message, "Producer: '");
  if (!start) return NULL;
  start += strlen("Producer: '");
  const char *end = strchr(start, '\'');
  if (!end) return NULL;
  char *out = malloc((size_t)(end - start) + 1);
  memcpy(out, start, (size_t)(end - start));
  out[end - start] = 0;
  return out;
}

static trim_module *failure(trim_status status, const char *message) {
  trim_module *m = calloc(1, sizeof(trim_module));
  m->status = status;
  m->error = copy_string(message);
  m->producer_hint = producer_in(message);
  return m;
}

#define MOVE_VEC(dst, dst_count, v) \
  do { (dst) = (v).items; (dst_count) = (v).count; } while (0)

static trim_module *read_bitcode(const char *path, int dispose_llvm);

trim_module *trim_read_bitcode(const char *path) { return read_bitcode(path, 1); }

trim_module *trim_read_bitcode_then_exit(const char *path) { return read_bitcode(path, 0); }

static trim_module *read_bitcode(const char *path, int dispose_llvm) {
  LLVMMemoryBufferRef buffer = NULL;
  char *open_error = NULL;
  if (LLVMCreateMemoryBufferWithContentsOfFile(path, &buffer, &open_error)) {
    trim_module *m = failure(TRIM_ERR_OPEN, open_error ? open_error : "cannot read file");
    LLVMDisposeMessage(open_error);
    return m;
  }

  diagnostics diag = {{0}, 0};
  LLVMContextRef context = LLVMContextCreate();
  LLVMContextSetDiagnosticHandler(context, on_diagnostic, &diag);
  LLVMContextSetDiscardValueNames(context, 1);

  LLVMModuleRef module = NULL;
  if (LLVMParseBitcodeInContext2(context, buffer, &module)) {
    trim_module *m = failure(TRIM_ERR_PARSE, diag.seen ? diag.message : "invalid bitcode");
    LLVMDisposeMemoryBuffer(buffer);
    LLVMContextDispose(context);
    return m;
  }

  fingerprint_state state;
  memset(&state, 0, sizeof state);
  state.module = module;
  interner_init(&state.strings);
  u64map_init(&state.type_hashes, 1024);
  u64map_init(&state.constant_hashes, 4096);
  u64map_init(&state.in_progress, 16);
  u64map_init(&state.reference_names, 4096);
  u64map_init(&state.stripped_counts, 4096);
  u64map_init(&state.pc_tables, 1024);

  fingerprint_module(&state);
  size_t name_length = 0;
  const char *source = LLVMGetSourceFileName(module, &name_length);

  trim_module *m = calloc(1, sizeof(trim_module));
  m->status = TRIM_OK;
  m->source_filename = interner_add(&state.strings, source ? source : "", source ? name_length : 0);
  m->strings = (const char **)state.strings.strings.items;
  m->string_count = state.strings.strings.count;
  MOVE_VEC(m->functions, m->function_count, state.functions);
  MOVE_VEC(m->blocks, m->block_count, state.blocks);
  MOVE_VEC(m->successors, m->successor_count, state.successors);
  MOVE_VEC(m->external_refs, m->external_ref_count, state.external_refs);
  MOVE_VEC(m->globals, m->global_count, state.globals);
  MOVE_VEC(m->coverage_blocks, m->coverage_block_count, state.coverage_blocks);
  MOVE_VEC(m->test_descriptors, m->test_descriptor_count, state.test_descriptors);
  MOVE_VEC(m->descriptor_strings, m->descriptor_string_count, state.descriptor_strings);

  u64map_free(&state.strings.index);
  u64map_free(&state.type_hashes);
  u64map_free(&state.constant_hashes);
  u64map_free(&state.in_progress);
  u64map_free(&state.reference_names);
  u64map_free(&state.stripped_counts);
  u64map_free(&state.pc_tables);
  if (dispose_llvm) {
    LLVMDisposeModule(module);
    LLVMDisposeMemoryBuffer(buffer);
    LLVMContextDispose(context);
  }
  return m;
}

int trim_parse_only(const char *path, char **error) {
  LLVMMemoryBufferRef buffer = NULL;
  char *open_error = NULL;
  if (LLVMCreateMemoryBufferWithContentsOfFile(path, &buffer, &open_error)) {
    *error = copy_string(open_error ? open_error : "cannot read file");
    LLVMDisposeMessage(open_error);
    return 1;
  }
  diagnostics diag = {{0}, 0};
  LLVMContextRef context = LLVMContextCreate();
  LLVMContextSetDiagnosticHandler(context, on_diagnostic, &diag);
  LLVMContextSetDiscardValueNames(context, 1);
  LLVMModuleRef module = NULL;
  int failed = LLVMParseBitcodeInContext2(context, buffer, &module);
  if (failed) *error = copy_string(diag.seen ? diag.message : "invalid bitcode");
  else LLVMDisposeModule(module);
  LLVMDisposeMemoryBuffer(buffer);
  LLVMContextDispose(context);
  return failed;
}

void trim_module_free(trim_module *m) {
  if (!m) return;
  for (size_t i = 0; i < m->string_count; i++) free((void *)m->strings[i]);
  free(m->strings);
  free(m->functions);
  free(m->blocks);
  free(m->successors);
  free(m->external_refs);
  free(m->globals);
  free(m->coverage_blocks);
  free(m->test_descriptors);
  free(m->descriptor_strings);
  free(m->error);
  free(m->producer_hint);
  free(m);
}

const char *trim_llvm_version(void) {
  static char text[32];
  unsigned major = 0, minor = 0, patch = 0;
  LLVMGetVersion(&major, &minor, &patch);
  snprintf(text, sizeof text, "%u.%u.%u", major, minor, patch);
  return text;
}

void trim_blake3(const void *bytes, size_t length, uint8_t *out, size_t out_len) {
  llvm_blake3_hasher hasher;
  llvm_blake3_hasher_init(&hasher);
  llvm_blake3_hasher_update(&hasher, bytes, length);
  llvm_blake3_hasher_finalize(&hasher, out, out_len);
}
