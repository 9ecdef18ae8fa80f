// Opens a bitcode file safely (diagnostics captured, never exit()), reads it
// in parts and hands each to the hasher; part_merge.c flattens their tables
// into one trim_module.
#include "fingerprint.h"
#include "lazy_module.h"
#include <llvm-c/BitReader.h>
#include <llvm-c/Core.h>
#include "llvm_diagnostics.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

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

// ---- reading in parts ----------------------------------------------------------
//
// Function bodies are read lazily, one function at a time, so a module can be
// read by several threads at once: each part has its own LLVM context, reads
// the module's globals, types and metadata (cheap), then takes functions in
// small chunks, in module order, from a shared counter: it reads their
// bodies, checks each with the verifier (as a full parse checks the module)
// and notes which are uncoverable. Once every part is done, each fingerprints
// the functions it read; the parts' tables are merged in module order, so the
// result does not depend on the number of parts.

enum { CHUNK = 8 };
/// From this size on, every part loads the module at once (see read_bitcode).
enum { SPECULATIVE_PARTS_BYTES = 4 << 20 };

typedef struct reader_run reader_run;

typedef struct {
  reader_run *run;
  unsigned part;
  diagnostics diag;
  LLVMContextRef context;
  LLVMModuleRef module;
  LLVMValueRef *functions; // by index in the module's function list
  size_t function_count;
  VEC(uint32_t) own;       // indices of the defined functions this part read
  fingerprint_state state;
  u64map uncoverable;      // symbol key -> 1, for this part's functions
  u64map subprograms;      // symbol key -> debug-info name hash, for this part's functions
  char *error;             // set when this part failed
  int fingerprinted;       // state holds tables to free
  pthread_t thread;
  int threaded;            // the phase ran on `thread` (else inline)
} reader_part;

struct reader_run {
  const char *bytes;
  size_t size;
  unsigned parts;
  reader_part *part;
  u64map *uncoverable_sets; // one per part, complete once every part has read its bodies
  u64map *subprogram_sets;  // likewise
  size_t function_count;
  _Atomic size_t next_function;
};

static void state_init(fingerprint_state *st, LLVMModuleRef module, unsigned part) {
  memset(st, 0, sizeof *st);
  st->module = module;
  st->part = part;
  interner_init(&st->strings);
  u64map_init(&st->type_hashes, 1024);
  u64map_init(&st->constant_hashes, 4096);
  u64map_init(&st->in_progress, 16);
  u64map_init(&st->reference_names, 4096);
  u64map_init(&st->stripped_counts, 4096);
  u64map_init(&st->global_refs, 64);
  u64map_init(&st->pc_tables, 1024);
}

static void state_free(fingerprint_state *st) {
  for (size_t i = 0; i < st->strings.strings.count; i++) free(st->strings.strings.items[i]);
  free(st->strings.strings.items);
  u64map_free(&st->strings.index);
  free(st->functions.items);
  free(st->blocks.items);
  free(st->successors.items);
  free(st->external_refs.items);
  free(st->function_refs.items);
  free(st->ref_pool.items);
  u64map_free(&st->global_refs);
  free(st->globals.items);
  free(st->coverage_blocks.items);
  free(st->test_descriptors.items);
  free(st->descriptor_strings.items);
  free(st->function_indices.items);
  free(st->function_globals.items);
  free(st->function_global_indices.items);
  u64map_free(&st->type_hashes);
  u64map_free(&st->constant_hashes);
  u64map_free(&st->in_progress);
  u64map_free(&st->reference_names);
  u64map_free(&st->stripped_counts);
  u64map_free(&st->pc_tables);
}

static char *part_error(reader_part *p, const char *fallback, char *llvm_message) {
  const char *text = p->diag.seen ? p->diag.message : (llvm_message ? llvm_message : fallback);
  char *out = copy_string(text);
  free(llvm_message);
  return out;
}

/// The module with its bodies unread, and its functions by index.
static void *load_part(void *argument) {
  reader_part *p = argument;
  p->context = LLVMContextCreate();
  LLVMContextSetDiagnosticHandler(p->context, trim_keep_first_error, &p->diag);
  LLVMContextSetDiscardValueNames(p->context, 1);
  char *message = NULL;
  if (trim_lazy_load(p->context, p->run->bytes, p->run->size, &p->module, &message) || p->diag.seen) {
    p->error = part_error(p, "invalid bitcode", message);
    return NULL;
  }
  for (LLVMValueRef fn = LLVMGetFirstFunction(p->module); fn; fn = LLVMGetNextFunction(fn)) p->function_count++;
  p->functions = malloc((p->function_count ? p->function_count : 1) * sizeof(LLVMValueRef));
  size_t i = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(p->module); fn; fn = LLVMGetNextFunction(fn)) p->functions[i++] = fn;
  return NULL;
}

/// Reads one function's body and checks it. 0 on success.
static int read_body(reader_part *p, LLVMValueRef fn) {
  char *message = NULL;
  if (trim_is_materializable(fn) && trim_materialize(fn, &message)) {
    p->error = part_error(p, "invalid function body", message);
    return 1;
  }
  if (p->diag.seen) {
    p->error = part_error(p, "invalid function body", NULL);
    return 1;
  }
  if (trim_function_is_broken(fn)) {
    size_t len = 0;
    const char *name = LLVMGetValueName2(fn, &len);
    char text[512];
    snprintf(text, sizeof text, "malformed IR in function %.*s (it does not pass LLVM's verifier)",
             (int)(len > 300 ? 300 : len), name);
    p->error = copy_string(text);
    return 1;
  }
  return 0;
}

/// Phase one: chunks of functions from the shared counter, bodies read.
static void *read_part(void *argument) {
  reader_part *p = argument;
  reader_run *run = p->run;
  if (p->error) return NULL;
  if (p->function_count != run->function_count) {
    p->error = copy_string("the module read differently in two threads");
    return NULL;
  }
  for (;;) {
    size_t start = atomic_fetch_add(&run->next_function, CHUNK);
    if (start >= run->function_count) return NULL;
    size_t end = start + CHUNK < run->function_count ? start + CHUNK : run->function_count;
    for (size_t i = start; i < end; i++) {
      LLVMValueRef fn = p->functions[i];
      if (LLVMIsDeclaration(fn)) continue;
      if (read_body(p, fn)) return NULL;
      VEC_PUSH(p->own, (uint32_t)i);
      if (run->parts == 1) continue; // every body is in this one context: nothing to share
      uint64_t key = fingerprint_symbol_key(fn);
      if (fingerprint_is_uncoverable(fn)) *u64map_upsert(&p->uncoverable, key) = 1;
      *u64map_upsert(&p->subprograms, key) = fingerprint_subprogram_hash(fn);
    }
  }
}

/// Phase two, once every part knows its uncoverable functions: the fingerprints.
static void *fingerprint_part(void *argument) {
  reader_part *p = argument;
  state_init(&p->state, p->module, p->part);
  p->state.own = p->own.items;
  p->state.own_count = p->own.count;
  p->state.uncoverable_sets = p->run->uncoverable_sets;
  p->state.uncoverable_set_count = p->run->parts;
  p->state.subprogram_sets = p->run->subprogram_sets;
  p->state.subprogram_set_count = p->run->parts;
  p->fingerprinted = 1;
  fingerprint_module(&p->state);
  return NULL;
}

/// Runs `phase` for parts 1... on threads (inline should a thread not
/// start), for part 0 here unless `skip_first`, and waits for them all.
static void run_parts(reader_run *run, void *(*phase)(void *), int skip_first) {
  for (unsigned k = 1; k < run->parts; k++) {
    reader_part *p = &run->part[k];
    p->threaded = pthread_create(&p->thread, NULL, phase, p) == 0;
    if (!p->threaded) phase(p);
  }
  if (!skip_first) phase(&run->part[0]);
  for (unsigned k = 1; k < run->parts; k++)
    if (run->part[k].threaded) pthread_join(run->part[k].thread, NULL);
}

static void run_phase(reader_run *run, void *(*phase)(void *)) { run_parts(run, phase, 0); }

/// Whether parts pay: not for a small module, nor unless most function
/// bodies are still unread after loading (LLVM reads with the module the
/// bodies a global's blockaddress names when it must resolve them at once).
static int parts_pay(reader_part *p) {
  size_t defined = 0, unread = 0;
  for (size_t i = 0; i < p->function_count; i++) {
    if (LLVMIsDeclaration(p->functions[i])) continue;
    defined++;
    if (trim_is_materializable(p->functions[i])) unread++;
  }
  return defined >= 256 && unread * 2 >= defined;
}

static void discard_part(reader_part *p, int dispose_llvm) {
  free(p->error);
  p->error = NULL;
  if (p->fingerprinted) state_free(&p->state);
  p->fingerprinted = 0;
  free(p->own.items);
  free(p->functions);
  u64map_free(&p->uncoverable);
  u64map_free(&p->subprograms);
  if (dispose_llvm) {
    if (p->module) LLVMDisposeModule(p->module);
    if (p->context) LLVMContextDispose(p->context);
  }
}

// ---- the entry points ----------------------------------------------------------

static trim_module *read_bitcode(const char *path, int dispose_llvm, unsigned threads);

trim_module *trim_read_bitcode(const char *path, unsigned threads) { return read_bitcode(path, 1, threads); }

trim_module *trim_read_bitcode_then_exit(const char *path, unsigned threads) {
  return read_bitcode(path, 0, threads);
}

static trim_module *read_bitcode(const char *path, int dispose_llvm, unsigned threads) {
  LLVMMemoryBufferRef buffer = NULL;
  char *open_error = NULL;
  if (LLVMCreateMemoryBufferWithContentsOfFile(path, &buffer, &open_error)) {
    trim_module *m = failure(TRIM_ERR_OPEN, open_error ? open_error : "cannot read file");
    LLVMDisposeMessage(open_error);
    return m;
  }
  reader_run run;
  memset(&run, 0, sizeof run);
  run.bytes = LLVMGetBufferStart(buffer);
  run.size = LLVMGetBufferSize(buffer);
  run.parts = threads < 1 ? 1 : threads > 8 ? 8 : threads;
  run.part = calloc(run.parts, sizeof(reader_part));
  for (unsigned k = 0; k < run.parts; k++) {
    run.part[k].run = &run;
    run.part[k].part = k;
    u64map_init(&run.part[k].uncoverable, 64);
    u64map_init(&run.part[k].subprograms, 1024);
  }
  // A large module: every part loads it at once, and part 0's then tells
  // whether the others are worth keeping (loading them after would cost the
  // load's time again). A smaller one: part 0 loads first, and the others
  // only when parts pay, so a module whose bodies LLVM reads with it (every
  // SanitizerCoverage-instrumented unit) is read once, not once a thread.
  int speculative = run.parts > 1 && run.size >= SPECULATIVE_PARTS_BYTES;
  if (speculative) run_phase(&run, load_part);
  else load_part(&run.part[0]);
  if (run.part[0].error) {
    trim_module *m = failure(TRIM_ERR_PARSE, run.part[0].error);
    for (unsigned k = 0; k < run.parts; k++) discard_part(&run.part[k], 1);
    free(run.part);
    LLVMDisposeMemoryBuffer(buffer);
    return m;
  }
  int pay = run.parts > 1 && parts_pay(&run.part[0]);
  if (pay && !speculative) run_parts(&run, load_part, 1);
  unsigned contexts_loaded = speculative || pay ? run.parts : 1;
  int others_loaded = 1;
  for (unsigned k = 1; k < run.parts; k++)
    if (run.part[k].error) others_loaded = 0;
  if (run.parts > 1 && (!others_loaded || !pay)) {
    for (unsigned k = 1; k < run.parts; k++) discard_part(&run.part[k], dispose_llvm);
    run.parts = 1;
  }
  run.function_count = run.part[0].function_count;
  run.uncoverable_sets = calloc(run.parts, sizeof(u64map));
  run.subprogram_sets = calloc(run.parts, sizeof(u64map));

  run_phase(&run, read_part);
  unsigned failed = run.parts;
  for (unsigned k = 0; k < run.parts && failed == run.parts; k++)
    if (run.part[k].error) failed = k;
  trim_module *m;
  if (failed < run.parts) {
    m = failure(TRIM_ERR_PARSE, run.part[failed].error);
  } else {
    for (unsigned k = 0; k < run.parts; k++) {
      run.uncoverable_sets[k] = run.part[k].uncoverable;
      run.subprogram_sets[k] = run.part[k].subprograms;
    }
    run_phase(&run, fingerprint_part);
    size_t name_length = 0;
    const char *source = LLVMGetSourceFileName(run.part[0].module, &name_length);
    fingerprint_state *states[8];
    for (unsigned k = 0; k < run.parts; k++) states[k] = &run.part[k].state;
    m = fingerprint_merge(states, run.parts, source ? source : "", source ? name_length : 0);
    m->threads_used = run.parts;
    m->contexts_loaded = contexts_loaded;
  }
  for (unsigned k = 0; k < run.parts; k++) discard_part(&run.part[k], dispose_llvm);
  free(run.uncoverable_sets);
  free(run.subprogram_sets);
  free(run.part);
  if (dispose_llvm) LLVMDisposeMemoryBuffer(buffer);
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
  LLVMContextSetDiagnosticHandler(context, trim_keep_first_error, &diag);
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
  free(m->function_refs);
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
