// Normalised hashing of basic blocks.
//
// A block's hash covers what it does, not where it sits: opcodes, types,
// instruction flags, constants by content, callees by name, and local values
// by a position-independent name. Left out on purpose: value and block names,
// metadata and debug records, SanitizerCoverage calls, the line/column in
// panic Location constants, and the identity of successor blocks (the caller
// pairs blocks by walking both CFGs and compares successor structure itself).
//
// Local value naming: stack slots (allocas) are named by their type and the
// order of their first use, and left out of the block that allocates them. A
// value used only inside its own block is named by its position in the block. A value used by other blocks gets a function-wide
// name: its structural hash S (opcode, type, flags, operands' S) and its
// occurrence number among such values with the same S, counted in depth-first
// block order. Either way the name is unique where it is used, and a change in
// one block does not rename the values of another.
#include "fingerprint.h"
#include "lazy_module.h"
#include "symbol_names.h"
#include <llvm-c/DebugInfo.h>
#include <stdbool.h>

enum {
  TAG_INSTRUCTION = 0x11, TAG_ARGUMENT, TAG_BLOCK, TAG_FUNCTION, TAG_GLOBAL, TAG_GLOBAL_DECL,
  TAG_CONST_INT, TAG_CONST_FP, TAG_CONST_DATA, TAG_CONST_AGGREGATE, TAG_CONST_EXPR, TAG_CONST_OTHER,
  TAG_METADATA, TAG_ASM, TAG_PHI_EDGE, TAG_CYCLE, TAG_LOCATION, TAG_ALIAS, TAG_LOCAL, TAG_DEFINES, TAG_ALLOCA
};

// ---- types -----------------------------------------------------------------

static uint64_t hash_type(fingerprint_state *st, LLVMTypeRef type) {
  uint64_t *memo = u64map_find(&st->type_hashes, (uint64_t)(uintptr_t)type);
  if (memo) return *memo;
  LLVMTypeKind kind = LLVMGetTypeKind(type);
  uint64_t h = trim_mix(0x7e, kind);
  switch (kind) {
  case LLVMIntegerTypeKind: h = trim_mix(h, LLVMGetIntTypeWidth(type)); break;
  case LLVMPointerTypeKind: h = trim_mix(h, LLVMGetPointerAddressSpace(type)); break;
  case LLVMArrayTypeKind:
    h = trim_mix(h, LLVMGetArrayLength2(type));
    h = trim_mix(h, hash_type(st, LLVMGetElementType(type)));
    break;
  case LLVMVectorTypeKind:
  case LLVMScalableVectorTypeKind:
    h = trim_mix(h, LLVMGetVectorSize(type));
    h = trim_mix(h, hash_type(st, LLVMGetElementType(type)));
    break;
  case LLVMStructTypeKind: {
    unsigned n = LLVMCountStructElementTypes(type);
    h = trim_mix(h, LLVMIsPackedStruct(type));
    h = trim_mix(h, n);
    for (unsigned i = 0; i < n; i++) h = trim_mix(h, hash_type(st, LLVMStructGetTypeAtIndex(type, i)));
    break;
  }
  case LLVMFunctionTypeKind: {
    unsigned n = LLVMCountParamTypes(type);
    h = trim_mix(h, hash_type(st, LLVMGetReturnType(type)));
    h = trim_mix(h, LLVMIsFunctionVarArg(type));
    LLVMTypeRef params[64];
    LLVMTypeRef *p = n <= 64 ? params : malloc(n * sizeof(LLVMTypeRef));
    LLVMGetParamTypes(type, p);
    for (unsigned i = 0; i < n; i++) h = trim_mix(h, hash_type(st, p[i]));
    if (p != params) free(p);
    break;
  }
  default: break;
  }
  *u64map_upsert(&st->type_hashes, (uint64_t)(uintptr_t)type) = h;
  return h;
}

// ---- symbol names ------------------------------------------------------------

/// The hash of `name` without the crate hash (legacy suffix or v0
/// disambiguators, see symbol_names.h); `had_hash` says whether it had one.
static uint64_t hash_free_hash(const char *name, size_t len, bool *had_hash) {
  char small[512];
  char *out = len < sizeof small ? small : malloc(len + 1);
  size_t n = trim_symbol_without_hash(name, len, out);
  *had_hash = n != len || memcmp(out, name, n) != 0;
  uint64_t h = trim_hash_bytes(0x5f, out, n);
  if (out != small) free(out);
  return h;
}

/// Whether `fn`'s body is read in this context (LLVMCountBasicBlocks walks the
/// whole block list; this is for lookups made per call and per reference).
static bool has_body(LLVMValueRef fn) { return LLVMGetFirstBasicBlock(fn) != NULL; }

/// A fact another part recorded for a function whose body it read: the
/// value in the first of `sets` that has `function`, or NULL.
static const uint64_t *shared_fact(const u64map *sets, unsigned count, LLVMValueRef function) {
  uint64_t key = fingerprint_symbol_key(function);
  for (unsigned i = 0; i < count; i++) {
    uint64_t *value = u64map_find(&sets[i], key);
    if (value) return value;
  }
  return NULL;
}

uint64_t fingerprint_subprogram_hash(LLVMValueRef fn) {
  size_t len = 0;
  const char *name = trim_subprogram_name(fn, &len);
  return name ? trim_hash_bytes(0x5b, name, len) : 0;
}

/// The debug-info name hash of a function defined here, whichever part read its body.
static uint64_t subprogram_hash(fingerprint_state *st, LLVMValueRef global) {
  if (LLVMGetValueKind(global) != LLVMFunctionValueKind || LLVMIsDeclaration(global)) return 0;
  if (has_body(global)) return fingerprint_subprogram_hash(global);
  const uint64_t *h = shared_fact(st->subprogram_sets, st->subprogram_set_count, global);
  return h ? *h : 0;
}

/// A symbol without its crate hash, and for a function defined here its
/// debug-info name: legacy symbols of a generic's instances differ only in
/// the hash, their debug-info names by the type arguments. So a new instance
/// of a generic leaves the others' names unique. `hash_free` is
/// hash_free_hash of the symbol.
static uint64_t stripped_key(fingerprint_state *st, LLVMValueRef global, uint64_t hash_free) {
  return trim_mix(trim_mix(0x5e, hash_free), subprogram_hash(st, global));
}

static void count_stripped(fingerprint_state *st, LLVMValueRef global) {
  size_t len = 0;
  const char *name = LLVMGetValueName2(global, &len);
  bool had_hash = false;
  uint64_t hash_free = hash_free_hash(name, len, &had_hash);
  if (!had_hash) return;
  (*u64map_upsert(&st->stripped_counts, stripped_key(st, global, hash_free)))++;
}

/// The hash a reference to `global` contributes: its symbol, without the
/// crate hash (but with its debug-info name) when that is unique in this
/// module.
static uint64_t reference_name(fingerprint_state *st, LLVMValueRef global) {
  uint64_t *memo = u64map_find(&st->reference_names, (uint64_t)(uintptr_t)global);
  if (memo) return *memo;
  size_t len = 0;
  const char *name = LLVMGetValueName2(global, &len);
  bool had_hash = false;
  uint64_t hash_free = hash_free_hash(name, len, &had_hash);
  uint64_t h;
  uint64_t *count = had_hash ? u64map_find(&st->stripped_counts, stripped_key(st, global, hash_free)) : NULL;
  if (count && *count == 1)
    h = trim_mix(trim_mix(0x6e, hash_free), subprogram_hash(st, global));
  else
    h = trim_hash_bytes(0x6e, name, len);
  *u64map_upsert(&st->reference_names, (uint64_t)(uintptr_t)global) = h;
  return h;
}

/// The hash a reference to a function contributes here: its symbol without
/// the crate hash. Which function it is, when that name is shared or the
/// hash matters, only the whole crate can tell (a callee may sit in another
/// codegen unit): the referring block, global or descriptor lists the full
/// symbol among its function refs, and the caller folds that in
/// (Sources/BlockIR/ReferenceFold.swift).
static uint64_t function_name(fingerprint_state *st, LLVMValueRef fn) {
  uint64_t *memo = u64map_find(&st->reference_names, (uint64_t)(uintptr_t)fn);
  if (memo) return *memo;
  size_t len = 0;
  const char *name = LLVMGetValueName2(fn, &len);
  bool had_hash = false;
  uint64_t h = trim_mix(0x6f, hash_free_hash(name, len, &had_hash));
  *u64map_upsert(&st->reference_names, (uint64_t)(uintptr_t)fn) = h;
  return h;
}

/// Whether a function's symbol carries a crate hash (and so goes into function refs).
static bool has_crate_hash(fingerprint_state *st, LLVMValueRef fn) {
  uint64_t key = (uint64_t)(uintptr_t)fn + 1; // values are aligned: never another value's key
  uint64_t *memo = u64map_find(&st->reference_names, key);
  if (memo) return *memo == 2;
  size_t len = 0;
  const char *name = LLVMGetValueName2(fn, &len);
  bool had_hash = false;
  hash_free_hash(name, len, &had_hash);
  *u64map_upsert(&st->reference_names, key) = had_hash ? 2 : 1;
  return had_hash;
}

static bool name_has_prefix(LLVMValueRef value, const char *prefix) {
  size_t len = 0;
  const char *name = LLVMGetValueName2(value, &len);
  size_t n = strlen(prefix);
  return len >= n && memcmp(name, prefix, n) == 0;
}

// ---- constants ---------------------------------------------------------------

static uint64_t hash_constant(fingerprint_state *st, LLVMValueRef value);

/// rustc's panic Location: <{ ptr file, [16 x i8] { len: u64, line: u32, col: u32 } }>.
static bool is_panic_location(LLVMValueRef init) {
  LLVMTypeRef type = LLVMTypeOf(init);
  if (LLVMGetTypeKind(type) != LLVMStructTypeKind || !LLVMIsPackedStruct(type)) return false;
  if (LLVMCountStructElementTypes(type) != 2) return false;
  LLVMTypeRef first = LLVMStructGetTypeAtIndex(type, 0), second = LLVMStructGetTypeAtIndex(type, 1);
  if (LLVMGetTypeKind(first) != LLVMPointerTypeKind || LLVMGetTypeKind(second) != LLVMArrayTypeKind) return false;
  LLVMTypeRef element = LLVMGetElementType(second);
  return LLVMGetArrayLength2(second) == 16 && LLVMGetTypeKind(element) == LLVMIntegerTypeKind &&
         LLVMGetIntTypeWidth(element) == 8 && LLVMGetValueKind(init) == LLVMConstantStructValueKind;
}

static uint64_t hash_global_variable(fingerprint_state *st, LLVMValueRef global) {
  LLVMValueRef init = LLVMGetInitializer(global);
  if (!init) return trim_mix(TAG_GLOBAL_DECL, reference_name(st, global));
  uint64_t key = (uint64_t)(uintptr_t)global;
  uint64_t *busy = u64map_find(&st->in_progress, key);
  if (busy && *busy) return trim_mix(TAG_CYCLE, reference_name(st, global));
  *u64map_upsert(&st->in_progress, key) = 1;

  bool is_constant = LLVMIsGlobalConstant(global);
  bool address_insignificant = LLVMGetUnnamedAddress(global) != LLVMNoUnnamedAddr;
  LLVMLinkage linkage = LLVMGetLinkage(global);
  bool local = linkage == LLVMPrivateLinkage || linkage == LLVMInternalLinkage;
  uint64_t h = trim_mix(TAG_GLOBAL, is_constant);
  h = trim_mix(h, LLVMIsThreadLocal(global));
  // Identity matters for anything mutable or whose address is observable.
  if (!(is_constant && address_insignificant)) h = trim_mix(h, reference_name(st, global));
  if (is_constant && local && is_panic_location(init)) {
    // Keep the file and its length; drop line and column.
    LLVMValueRef file = LLVMGetOperand(init, 0), position = LLVMGetOperand(init, 1);
    h = trim_mix(h, TAG_LOCATION);
    h = trim_mix(h, hash_constant(st, file));
    size_t n = 0;
    const char *bytes = LLVMGetValueKind(position) == LLVMConstantDataArrayValueKind
                            ? LLVMGetRawDataValues(position, &n) : NULL;
    if (bytes && n == 16) h = trim_hash_bytes(h, bytes, 8);
    else h = trim_mix(h, hash_constant(st, position));
  } else {
    h = trim_mix(h, hash_constant(st, init));
  }
  *u64map_upsert(&st->in_progress, key) = 0;
  return h;
}

static uint64_t hash_constant_uncached(fingerprint_state *st, LLVMValueRef value) {
  LLVMValueKind kind = LLVMGetValueKind(value);
  uint64_t h = trim_mix(kind, hash_type(st, LLVMTypeOf(value)));
  switch (kind) {
  case LLVMFunctionValueKind:
    return trim_mix(TAG_FUNCTION, function_name(st, value));
  case LLVMGlobalVariableValueKind:
    return hash_global_variable(st, value);
  case LLVMGlobalAliasValueKind:
  case LLVMGlobalIFuncValueKind:
    return trim_mix(TAG_ALIAS, reference_name(st, value));
  case LLVMConstantIntValueKind: {
    unsigned width = LLVMGetIntTypeWidth(LLVMTypeOf(value));
    if (width <= 64) return trim_mix(trim_mix(h, TAG_CONST_INT), LLVMConstIntGetZExtValue(value));
    char *text = LLVMPrintValueToString(value); // wide integers: no C accessor for all words
    h = trim_hash_bytes(trim_mix(h, TAG_CONST_INT), text, strlen(text));
    LLVMDisposeMessage(text);
    return h;
  }
  case LLVMConstantFPValueKind: {
    char *text = LLVMPrintValueToString(value); // exact hex form for every FP type
    h = trim_hash_bytes(trim_mix(h, TAG_CONST_FP), text, strlen(text));
    LLVMDisposeMessage(text);
    return h;
  }
  case LLVMConstantDataArrayValueKind:
  case LLVMConstantDataVectorValueKind: {
    size_t n = 0;
    const char *bytes = LLVMGetRawDataValues(value, &n);
    return trim_hash_bytes(trim_mix(h, TAG_CONST_DATA), bytes, n);
  }
  case LLVMConstantArrayValueKind:
  case LLVMConstantStructValueKind:
  case LLVMConstantVectorValueKind: {
    int n = LLVMGetNumOperands(value);
    h = trim_mix(trim_mix(h, TAG_CONST_AGGREGATE), (uint64_t)n);
    for (int i = 0; i < n; i++) h = trim_mix(h, hash_constant(st, LLVMGetOperand(value, i)));
    return h;
  }
  case LLVMConstantExprValueKind: {
    LLVMOpcode opcode = LLVMGetConstOpcode(value);
    h = trim_mix(trim_mix(h, TAG_CONST_EXPR), opcode);
    if (opcode == LLVMGetElementPtr) {
      h = trim_mix(h, hash_type(st, LLVMGetGEPSourceElementType(value)));
      h = trim_mix(h, LLVMIsInBounds(value));
    }
    int n = LLVMGetNumOperands(value);
    for (int i = 0; i < n; i++) h = trim_mix(h, hash_constant(st, LLVMGetOperand(value, i)));
    return h;
  }
  case LLVMBlockAddressValueKind:
    return trim_mix(trim_mix(h, TAG_CONST_OTHER), hash_constant(st, LLVMGetOperand(value, 0)));
  default: {
    // null, zeroinitializer, undef, poison, none, ...: kind and type say it all,
    // plus any operands (ptrauth and future kinds).
    int n = LLVMIsAUser(value) ? LLVMGetNumOperands(value) : 0;
    h = trim_mix(h, TAG_CONST_OTHER);
    for (int i = 0; i < n; i++) h = trim_mix(h, hash_constant(st, LLVMGetOperand(value, i)));
    return h;
  }
  }
}

static uint64_t hash_constant(fingerprint_state *st, LLVMValueRef value) {
  uint64_t key = (uint64_t)(uintptr_t)value;
  uint64_t *memo = u64map_find(&st->constant_hashes, key);
  if (memo) return *memo;
  uint64_t h = hash_constant_uncached(st, value);
  // A global hashed inside its own initializer cycle got a placeholder; only
  // memoise complete answers.
  uint64_t *busy = u64map_find(&st->in_progress, key);
  if (!busy || *busy == 0) *u64map_upsert(&st->constant_hashes, key) = h;
  return h;
}

/// Records that the current block uses `global`'s content from elsewhere. By
/// its name without the crate hash: a new package version or dependency moves
/// that hash in every crate downstream, while the content, compared through
/// the defining module's globals (keyed alike), stays.
static void add_external_ref(fingerprint_state *st, LLVMValueRef global) {
  size_t len = 0;
  const char *name = LLVMGetValueName2(global, &len);
  char *stable = malloc(len + 1);
  size_t stable_len = trim_symbol_without_hash(name, len, stable);
  VEC_PUSH(st->external_refs, interner_add(&st->strings, stable, stable_len));
  free(stable);
}

/// Globals defined in another module that `value` refers to (through
/// constant expressions and aggregates): their content is not visible here.
static void collect_external_refs(fingerprint_state *st, LLVMValueRef value, int depth) {
  LLVMValueKind kind = LLVMGetValueKind(value);
  if (kind == LLVMGlobalVariableValueKind) {
    if (!LLVMGetInitializer(value)) add_external_ref(st, value);
    return;
  }
  if (depth > 4) return;
  if (kind == LLVMConstantExprValueKind || kind == LLVMConstantStructValueKind ||
      kind == LLVMConstantArrayValueKind || kind == LLVMConstantVectorValueKind) {
    int n = LLVMGetNumOperands(value);
    for (int i = 0; i < n; i++) collect_external_refs(st, LLVMGetOperand(value, i), depth + 1);
  }
}

/// Appends to `out` the symbols of the functions with a crate hash that
/// hashing `value` names by function_name: itself, or inside a constant,
/// through the initializers of the globals it points at (each walked once and
/// remembered), in the order hash_constant meets them.
static void collect_function_refs(fingerprint_state *st, LLVMValueRef value, u32vec *out) {
  switch (LLVMGetValueKind(value)) {
  case LLVMFunctionValueKind:
    if (has_crate_hash(st, value)) {
      size_t len = 0;
      const char *name = LLVMGetValueName2(value, &len);
      VEC_PUSH(*out, interner_add(&st->strings, name, len));
    }
    return;
  case LLVMGlobalVariableValueKind: {
    LLVMValueRef init = LLVMGetInitializer(value);
    if (!init) return;
    uint64_t key = (uint64_t)(uintptr_t)value;
    uint64_t *known = u64map_find(&st->global_refs, key);
    if (known) {
      if (*known == 0) return; // being walked: a cycle through initializers
      uint64_t start = (*known - 1) >> 32, count = (*known - 1) & 0xffffffff;
      for (uint64_t i = 0; i < count; i++) VEC_PUSH(*out, st->ref_pool.items[start + i]);
      return;
    }
    *u64map_upsert(&st->global_refs, key) = 0;
    u32vec own = {0};
    collect_function_refs(st, init, &own);
    uint64_t start = st->ref_pool.count;
    for (size_t i = 0; i < own.count; i++) {
      VEC_PUSH(st->ref_pool, own.items[i]);
      VEC_PUSH(*out, own.items[i]);
    }
    *u64map_upsert(&st->global_refs, key) = ((start << 32) | own.count) + 1;
    free(own.items);
    return;
  }
  case LLVMGlobalAliasValueKind:
  case LLVMGlobalIFuncValueKind:
    return; // hashed by name
  default:
    if (!LLVMIsAConstant(value)) return;
    int n = LLVMGetNumOperands(value);
    for (int i = 0; i < n; i++) collect_function_refs(st, LLVMGetOperand(value, i), out);
    return;
  }
}

// ---- instructions ------------------------------------------------------------

typedef struct {
  u64map structural;  // instruction -> S
  u64map names;       // instruction used by other blocks -> name (S, occurrence)
  u64map positions;   // instruction -> index within its block (ignored ones skipped)
  u64map occurrences; // S -> count so far
  u64map arguments;   // argument -> index
  u64map block_order; // block -> depth-first ordinal
  u64map ignored;     // instructions left out of every hash
} function_state;

static bool is_ignored_call(LLVMValueRef inst) {
  LLVMOpcode op = LLVMGetInstructionOpcode(inst);
  if (op != LLVMCall && op != LLVMInvoke) return false;
  LLVMValueRef callee = LLVMGetCalledValue(inst);
  if (!callee || LLVMGetValueKind(callee) != LLVMFunctionValueKind) return false;
  return name_has_prefix(callee, "llvm.dbg.") || name_has_prefix(callee, "__sanitizer_cov_") ||
         name_has_prefix(callee, "llvm.pseudoprobe");
}

/// Opcode-specific facts that change behaviour: predicates, flags, types.
static uint64_t hash_instruction_facts(fingerprint_state *st, LLVMValueRef inst, LLVMOpcode op) {
  uint64_t h = trim_mix(op, hash_type(st, LLVMTypeOf(inst)));
  switch (op) {
  case LLVMICmp: return trim_mix(h, LLVMGetICmpPredicate(inst));
  case LLVMFCmp: return trim_mix(h, LLVMGetFCmpPredicate(inst));
  case LLVMAlloca:
    h = trim_mix(h, hash_type(st, LLVMGetAllocatedType(inst)));
    return trim_mix(h, LLVMGetAlignment(inst));
  case LLVMLoad:
  case LLVMStore:
    h = trim_mix(h, LLVMGetAlignment(inst));
    h = trim_mix(h, LLVMGetVolatile(inst));
    return trim_mix(h, LLVMGetOrdering(inst));
  case LLVMGetElementPtr:
    h = trim_mix(h, hash_type(st, LLVMGetGEPSourceElementType(inst)));
    return trim_mix(h, LLVMIsInBounds(inst));
  case LLVMAdd: case LLVMSub: case LLVMMul: case LLVMShl:
    h = trim_mix(h, LLVMGetNUW(inst));
    return trim_mix(h, LLVMGetNSW(inst));
  case LLVMUDiv: case LLVMSDiv: case LLVMLShr: case LLVMAShr:
    return trim_mix(h, LLVMGetExact(inst));
  case LLVMCall: case LLVMInvoke: case LLVMCallBr:
    h = trim_mix(h, hash_type(st, LLVMGetCalledFunctionType(inst)));
    return trim_mix(h, LLVMGetInstructionCallConv(inst));
  case LLVMExtractValue: case LLVMInsertValue: {
    unsigned n = LLVMGetNumIndices(inst);
    const unsigned *indices = LLVMGetIndices(inst);
    for (unsigned i = 0; i < n; i++) h = trim_mix(h, indices[i]);
    return h;
  }
  case LLVMShuffleVector: {
    unsigned n = LLVMGetNumMaskElements(inst);
    for (unsigned i = 0; i < n; i++) h = trim_mix(h, (uint64_t)(int64_t)LLVMGetMaskValue(inst, i));
    return h;
  }
  case LLVMAtomicRMW:
    h = trim_mix(h, LLVMGetAtomicRMWBinOp(inst));
    return trim_mix(h, LLVMGetOrdering(inst));
  case LLVMAtomicCmpXchg:
    h = trim_mix(h, LLVMGetCmpXchgSuccessOrdering(inst));
    return trim_mix(h, LLVMGetCmpXchgFailureOrdering(inst));
  case LLVMLandingPad:
    return trim_mix(h, LLVMIsCleanup(inst));
  default: return h;
  }
}

static uint64_t hash_inline_asm(LLVMValueRef value) {
  size_t n = 0;
  const char *text = LLVMGetInlineAsmAsmString(value, &n);
  uint64_t h = trim_hash_bytes(TAG_ASM, text, n);
  text = LLVMGetInlineAsmConstraintString(value, &n);
  return trim_hash_bytes(h, text, n);
}

static uint64_t structural_hash(fingerprint_state *st, function_state *fs, LLVMValueRef inst);

/// How an operand contributes to a hash. For block hashes (`block` set),
/// instruction operands contribute their name as seen from `block`; for the
/// structural hash S (`block` NULL), their own S, and numbers only their type:
/// S names a value for the other blocks that use it, and `x * 3` becoming
/// `x * 4` must not rename it there. Its own block still hashes the number,
/// and that block dominates every use, so a test reaching a use runs it.
static uint64_t hash_operand(fingerprint_state *st, function_state *fs, LLVMValueRef v, LLVMBasicBlockRef block) {
  LLVMValueKind kind = LLVMGetValueKind(v);
  if (!block && (kind == LLVMConstantIntValueKind || kind == LLVMConstantFPValueKind))
    return trim_mix(TAG_CONST_OTHER, hash_type(st, LLVMTypeOf(v)));
  switch (kind) {
  case LLVMInstructionValueKind: {
    if (!block) return trim_mix(TAG_INSTRUCTION, structural_hash(st, fs, v));
    uint64_t key = (uint64_t)(uintptr_t)v;
    if (LLVMGetInstructionOpcode(v) == LLVMAlloca) {
      uint64_t *slot = u64map_find(&fs->names, key);
      return trim_mix(TAG_ALLOCA, slot ? *slot : 0);
    }
    if (LLVMGetInstructionParent(v) == block) {
      uint64_t *position = u64map_find(&fs->positions, key);
      return trim_mix(TAG_LOCAL, position ? *position : UINT32_MAX);
    }
    uint64_t *name = u64map_find(&fs->names, key);
    return trim_mix(TAG_INSTRUCTION, name ? *name : 0);
  }
  case LLVMArgumentValueKind: {
    uint64_t *index = u64map_find(&fs->arguments, (uint64_t)(uintptr_t)v);
    return trim_mix(TAG_ARGUMENT, index ? *index : UINT32_MAX);
  }
  case LLVMBasicBlockValueKind: return TAG_BLOCK; // identity checked by CFG pairing
  case LLVMMetadataAsValueValueKind: return TAG_METADATA;
  case LLVMInlineAsmValueKind: return hash_inline_asm(v);
  default: return hash_constant(st, v);
  }
}

static uint64_t structural_hash(fingerprint_state *st, function_state *fs, LLVMValueRef inst) {
  uint64_t key = (uint64_t)(uintptr_t)inst;
  uint64_t *memo = u64map_find(&fs->structural, key);
  if (memo) return *memo;
  LLVMOpcode op = LLVMGetInstructionOpcode(inst);
  uint64_t h = hash_instruction_facts(st, inst, op);
  if (op != LLVMPHI) { // every SSA cycle passes through a phi: stop there
    *u64map_upsert(&fs->structural, key) = trim_mix(TAG_CYCLE, h); // guard for unreachable code
    int n = LLVMGetNumOperands(inst);
    for (int i = 0; i < n; i++) h = trim_mix(h, hash_operand(st, fs, LLVMGetOperand(inst, i), NULL));
  }
  *u64map_upsert(&fs->structural, key) = h;
  return h;
}

/// What names a stack slot: its allocated type, alignment and element count
/// (every number counts: a slot of another size is another slot).
static uint64_t slot_hash(fingerprint_state *st, function_state *fs, LLVMValueRef alloca) {
  uint64_t h = hash_instruction_facts(st, alloca, LLVMAlloca);
  LLVMValueRef count = LLVMGetOperand(alloca, 0);
  if (LLVMIsConstant(count)) return trim_mix(h, hash_constant(st, count));
  return trim_mix(h, hash_operand(st, fs, count, NULL)); // a dynamic size: its computation
}

static uint64_t block_ordinal(function_state *fs, LLVMBasicBlockRef block) {
  uint64_t *ordinal = u64map_find(&fs->block_order, (uint64_t)(uintptr_t)block);
  return ordinal ? *ordinal : UINT32_MAX;
}

/// The hash of one instruction inside its block: facts, operands by name,
/// and, for a value other blocks use, the name they use it by.
static uint64_t instruction_hash(fingerprint_state *st, function_state *fs, LLVMValueRef inst,
                                 LLVMBasicBlockRef block) {
  LLVMOpcode op = LLVMGetInstructionOpcode(inst);
  uint64_t h = hash_instruction_facts(st, inst, op);
  uint64_t *name = u64map_find(&fs->names, (uint64_t)(uintptr_t)inst);
  if (name) h = trim_mix(trim_mix(h, TAG_DEFINES), *name);
  if (op == LLVMPHI) {
    unsigned n = LLVMCountIncoming(inst);
    for (unsigned i = 0; i < n; i++) {
      h = trim_mix(h, hash_operand(st, fs, LLVMGetIncomingValue(inst, i), block));
      h = trim_mix(h, trim_mix(TAG_PHI_EDGE, block_ordinal(fs, LLVMGetIncomingBlock(inst, i))));
    }
    return h;
  }
  int n = LLVMGetNumOperands(inst);
  for (int i = 0; i < n; i++) h = trim_mix(h, hash_operand(st, fs, LLVMGetOperand(inst, i), block));
  return h;
}

static bool used_outside(LLVMValueRef inst, LLVMBasicBlockRef block) {
  for (LLVMUseRef use = LLVMGetFirstUse(inst); use; use = LLVMGetNextUse(use)) {
    LLVMValueRef user = LLVMGetUser(use);
    if (LLVMGetValueKind(user) != LLVMInstructionValueKind || LLVMGetInstructionParent(user) != block) return true;
  }
  return false;
}

// ---- functions ---------------------------------------------------------------

static uint32_t intern_optional(fingerprint_state *st, const char *s, size_t len) {
  return s ? interner_add(&st->strings, s, len) : UINT32_MAX;
}

/// Depth-first preorder from the entry, successors in order; unreachable
/// blocks follow in layout order.
static size_t depth_first_order(LLVMBasicBlockRef *layout, size_t count, u64map *layout_index,
                                LLVMBasicBlockRef *order) {
  bool *seen = calloc(count, sizeof(bool));
  LLVMBasicBlockRef *stack = malloc(count * sizeof(LLVMBasicBlockRef) * 2 + 16);
  size_t top = 0, n = 0, stack_cap = count * 2 + 2;
  stack[top++] = layout[0];
  while (top) {
    LLVMBasicBlockRef block = stack[--top];
    size_t index = *u64map_find(layout_index, (uint64_t)(uintptr_t)block);
    if (seen[index]) continue;
    seen[index] = true;
    order[n++] = block;
    LLVMValueRef term = LLVMGetBasicBlockTerminator(block);
    unsigned succ = term ? LLVMGetNumSuccessors(term) : 0;
    for (unsigned i = succ; i-- > 0;) {
      LLVMBasicBlockRef next = LLVMGetSuccessor(term, i);
      uint64_t *j = u64map_find(layout_index, (uint64_t)(uintptr_t)next);
      if (!j || seen[*j]) continue;
      if (top == stack_cap) {
        stack_cap *= 2;
        stack = realloc(stack, stack_cap * sizeof(LLVMBasicBlockRef));
      }
      stack[top++] = next;
    }
  }
  for (size_t i = 0; i < count; i++)
    if (!seen[i]) order[n++] = layout[i];
  free(seen);
  free(stack);
  return n;
}

static void record_coverage_blocks(fingerprint_state *st, LLVMValueRef fn, trim_function *f,
                                   u64map *layout_index);

/// SanitizerCoverage leaves out functions whose entry block ends in
/// `unreachable` (they only call a noreturn function, e.g. `fn boom() -> ! {
/// panic!(..) }`): no test's coverage can ever show them. Their callers name
/// them as external references, and the module lists their content like a
/// global's, so a change in one changes every block that calls it.
static bool is_uncoverable(LLVMValueRef fn) {
  if (LLVMIsDeclaration(fn) || !has_body(fn)) return false;
  LLVMValueRef term = LLVMGetBasicBlockTerminator(LLVMGetEntryBasicBlock(fn));
  return term && LLVMGetInstructionOpcode(term) == LLVMUnreachable;
}

bool fingerprint_is_uncoverable(LLVMValueRef fn) { return is_uncoverable(fn); }

uint64_t fingerprint_symbol_key(LLVMValueRef function) {
  size_t len = 0;
  const char *name = LLVMGetValueName2(function, &len);
  return trim_hash_bytes(0x0c0e, name, len);
}

/// is_uncoverable for a defined callee whose body another part may have read.
static bool callee_is_uncoverable(fingerprint_state *st, LLVMValueRef callee) {
  if (has_body(callee)) return is_uncoverable(callee);
  return shared_fact(st->uncoverable_sets, st->uncoverable_set_count, callee) != NULL;
}

/// Callees that coverage cannot see: uncoverable functions defined here, and
/// functions declared here (defined in another module, where they may be
/// uncoverable), except Rust's std (v0 `_R` symbols) and LLVM intrinsics.
static void collect_uncoverable_callee(fingerprint_state *st, LLVMValueRef inst) {
  LLVMOpcode op = LLVMGetInstructionOpcode(inst);
  if (op != LLVMCall && op != LLVMInvoke && op != LLVMCallBr) return;
  LLVMValueRef callee = LLVMGetCalledValue(inst);
  if (!callee || LLVMGetValueKind(callee) != LLVMFunctionValueKind) return;
  if (LLVMIsDeclaration(callee)) {
    if (name_has_prefix(callee, "_R") || name_has_prefix(callee, "llvm.") || name_has_prefix(callee, "__sanitizer_"))
      return;
  } else if (!callee_is_uncoverable(st, callee)) {
    return;
  }
  add_external_ref(st, callee);
}

static void fingerprint_function(fingerprint_state *st, LLVMValueRef fn) {
  size_t block_count = LLVMCountBasicBlocks(fn);
  LLVMBasicBlockRef *layout = malloc(block_count * sizeof(LLVMBasicBlockRef));
  LLVMBasicBlockRef *order = malloc(block_count * sizeof(LLVMBasicBlockRef));
  LLVMGetBasicBlocks(fn, layout);

  size_t instruction_total = 0;
  u64map layout_index;
  u64map_init(&layout_index, block_count);
  for (size_t i = 0; i < block_count; i++) {
    *u64map_upsert(&layout_index, (uint64_t)(uintptr_t)layout[i]) = i;
    for (LLVMValueRef inst = LLVMGetFirstInstruction(layout[i]); inst; inst = LLVMGetNextInstruction(inst))
      instruction_total++;
  }
  depth_first_order(layout, block_count, &layout_index, order);

  function_state fs;
  u64map_init(&fs.structural, instruction_total);
  u64map_init(&fs.names, instruction_total);
  u64map_init(&fs.positions, instruction_total);
  u64map_init(&fs.occurrences, instruction_total);
  u64map_init(&fs.block_order, block_count);
  u64map_init(&fs.ignored, 16);
  unsigned param_count = LLVMCountParams(fn);
  u64map_init(&fs.arguments, param_count);
  for (unsigned i = 0; i < param_count; i++)
    *u64map_upsert(&fs.arguments, (uint64_t)(uintptr_t)LLVMGetParam(fn, i)) = i;
  for (size_t i = 0; i < block_count; i++) *u64map_upsert(&fs.block_order, (uint64_t)(uintptr_t)order[i]) = i;

  // Pass 1: name every instruction, in depth-first block order.
  bool harness_main = false;
  for (size_t b = 0; b < block_count; b++) {
    uint64_t position = 0;
    for (LLVMValueRef inst = LLVMGetFirstInstruction(order[b]); inst; inst = LLVMGetNextInstruction(inst)) {
      if (is_ignored_call(inst)) {
        *u64map_upsert(&fs.ignored, (uint64_t)(uintptr_t)inst) = 1;
        continue;
      }
      LLVMOpcode op = LLVMGetInstructionOpcode(inst);
      // Stack slots: debug builds put every local's in the entry block, so a
      // new local anywhere would change it. They are left out of every
      // block's hash and named where they are used instead: by their type and
      // their order of first use, so a new slot renames only slots first used
      // after it.
      if (op == LLVMAlloca) continue;
      *u64map_upsert(&fs.positions, (uint64_t)(uintptr_t)inst) = position++;
      int operands = LLVMGetNumOperands(inst);
      for (int i = 0; i < operands; i++) {
        LLVMValueRef operand = LLVMGetOperand(inst, i);
        if (LLVMGetValueKind(operand) != LLVMInstructionValueKind || LLVMGetInstructionOpcode(operand) != LLVMAlloca)
          continue;
        uint64_t key = (uint64_t)(uintptr_t)operand;
        if (u64map_find(&fs.names, key)) continue;
        uint64_t slot = trim_mix(TAG_ALLOCA, slot_hash(st, &fs, operand));
        uint64_t occurrence = (*u64map_upsert(&fs.occurrences, slot))++;
        *u64map_upsert(&fs.names, key) = trim_mix(slot, occurrence);
      }
      if (op == LLVMCall || op == LLVMInvoke) {
        LLVMValueRef callee = LLVMGetCalledValue(inst);
        size_t len = 0;
        const char *name = callee && LLVMGetValueKind(callee) == LLVMFunctionValueKind
                               ? LLVMGetValueName2(callee, &len) : NULL;
        if (name && strstr(name, "test_main_static")) {
          harness_main = true;
          fingerprint_test_descriptors(st, inst);
        }
      }
      if (!used_outside(inst, order[b])) continue;
      uint64_t s = structural_hash(st, &fs, inst);
      uint64_t occurrence = (*u64map_upsert(&fs.occurrences, s))++;
      *u64map_upsert(&fs.names, (uint64_t)(uintptr_t)inst) = trim_mix(s, occurrence);
    }
  }

  // Pass 2: hash blocks, in layout order.
  size_t symbol_length = 0;
  const char *symbol = LLVMGetValueName2(fn, &symbol_length);
  char *demangled = trim_demangle(symbol);
  trim_function f;
  memset(&f, 0, sizeof f);
  f.symbol = interner_add(&st->strings, symbol, symbol_length);
  f.demangled = interner_add(&st->strings, demangled, strlen(demangled));
  free(demangled);
  f.file = UINT32_MAX;
  f.is_test_harness_main = harness_main;
  f.name_hash = fingerprint_subprogram_hash(fn);
  LLVMMetadataRef subprogram = LLVMGetSubprogram(fn);
  if (subprogram) {
    f.line = LLVMDISubprogramGetLine(subprogram);
    LLVMMetadataRef file = LLVMDIScopeGetFile(subprogram);
    unsigned len = 0;
    const char *name = file ? LLVMDIFileGetFilename(file, &len) : NULL;
    f.file = intern_optional(st, name, len);
  }
  f.first_block = (uint32_t)st->blocks.count;
  f.block_count = (uint32_t)block_count;

  for (size_t b = 0; b < block_count; b++) {
    trim_block block;
    memset(&block, 0, sizeof block);
    block.file = UINT32_MAX;
    block.first_external_ref = (uint32_t)st->external_refs.count;
    block.first_function_ref = (uint32_t)st->function_refs.count;
    uint64_t h = 0xb10c;
    for (LLVMValueRef inst = LLVMGetFirstInstruction(layout[b]); inst; inst = LLVMGetNextInstruction(inst)) {
      if (u64map_find(&fs.ignored, (uint64_t)(uintptr_t)inst)) continue;
      if (LLVMGetInstructionOpcode(inst) == LLVMAlloca) continue; // named where used
      h = trim_mix(h, instruction_hash(st, &fs, inst, layout[b]));
      block.instruction_count++;
      if (block.line == 0) {
        unsigned line = LLVMGetDebugLocLine(inst);
        if (line) {
          unsigned len = 0;
          const char *file = LLVMGetDebugLocFilename(inst, &len);
          block.line = line;
          block.file = intern_optional(st, file, len);
        }
      }
      int n = LLVMGetNumOperands(inst);
      for (int i = 0; i < n; i++) {
        LLVMValueRef operand = LLVMGetOperand(inst, i);
        LLVMValueKind kind = LLVMGetValueKind(operand);
        if (kind == LLVMGlobalVariableValueKind || kind == LLVMConstantExprValueKind)
          collect_external_refs(st, operand, 0);
        collect_function_refs(st, operand, &st->function_refs);
      }
      collect_uncoverable_callee(st, inst);
    }
    block.hash = h;
    block.external_ref_count = (uint32_t)(st->external_refs.count - block.first_external_ref);
    block.function_ref_count = (uint32_t)(st->function_refs.count - block.first_function_ref);
    LLVMValueRef term = LLVMGetBasicBlockTerminator(layout[b]);
    unsigned succ = term ? LLVMGetNumSuccessors(term) : 0;
    block.first_successor = (uint32_t)st->successors.count;
    block.successor_count = succ;
    for (unsigned i = 0; i < succ; i++) {
      uint64_t *j = u64map_find(&layout_index, (uint64_t)(uintptr_t)LLVMGetSuccessor(term, i));
      VEC_PUSH(st->successors, j ? (uint32_t)*j : UINT32_MAX);
    }
    VEC_PUSH(st->blocks, block);
  }
  record_coverage_blocks(st, fn, &f, &layout_index);
  VEC_PUSH(st->functions, f);

  u64map_free(&fs.structural);
  u64map_free(&fs.names);
  u64map_free(&fs.positions);
  u64map_free(&fs.occurrences);
  u64map_free(&fs.arguments);
  u64map_free(&fs.block_order);
  u64map_free(&fs.ignored);
  u64map_free(&layout_index);
  free(layout);
  free(order);
}

/// SanitizerCoverage's PC table of a function: [F, 1, blockaddress(F, bb), 0, ...]
/// in the order of the function's guard slots.
static void find_pc_tables(fingerprint_state *st) {
  for (LLVMValueRef g = LLVMGetFirstGlobal(st->module); g; g = LLVMGetNextGlobal(g)) {
    const char *section = LLVMGetSection(g);
    if (!section || strcmp(section, "__sancov_pcs") != 0) continue;
    LLVMValueRef init = LLVMGetInitializer(g);
    if (!init || LLVMGetValueKind(init) != LLVMConstantArrayValueKind || LLVMGetNumOperands(init) < 2) continue;
    LLVMValueRef fn = LLVMGetOperand(init, 0);
    if (LLVMGetValueKind(fn) != LLVMFunctionValueKind) continue;
    *u64map_upsert(&st->pc_tables, (uint64_t)(uintptr_t)fn) = (uint64_t)(uintptr_t)g;
  }
}

static void record_coverage_blocks(fingerprint_state *st, LLVMValueRef fn, trim_function *f,
                                   u64map *layout_index) {
  f->first_coverage_block = (uint32_t)st->coverage_blocks.count;
  f->coverage_block_count = 0;
  uint64_t *table = u64map_find(&st->pc_tables, (uint64_t)(uintptr_t)fn);
  if (!table) return;
  LLVMValueRef init = LLVMGetInitializer((LLVMValueRef)(uintptr_t)*table);
  int n = LLVMGetNumOperands(init);
  for (int i = 0; i + 1 < n; i += 2) {
    LLVMValueRef pc = LLVMGetOperand(init, i);
    uint32_t index = UINT32_MAX;
    if (pc == fn) {
      index = 0; // the entry block is recorded as the function's own address
    } else if (LLVMGetValueKind(pc) == LLVMBlockAddressValueKind) {
      LLVMBasicBlockRef block = LLVMGetBlockAddressBasicBlock(pc);
      uint64_t *j = u64map_find(layout_index, (uint64_t)(uintptr_t)block);
      if (j) index = (uint32_t)*j;
    }
    VEC_PUSH(st->coverage_blocks, index);
    f->coverage_block_count++;
  }
}

static bool is_fingerprinted(LLVMValueRef fn) {
  if (LLVMIsDeclaration(fn)) return false;
  if (LLVMGetLinkage(fn) == LLVMAvailableExternallyLinkage) return false; // never emitted here
  return !name_has_prefix(fn, "sancov.");                                 // the instrumentation's own
}

void fingerprint_module(fingerprint_state *st) {
  find_pc_tables(st);
  for (LLVMValueRef fn = LLVMGetFirstFunction(st->module); fn; fn = LLVMGetNextFunction(fn)) count_stripped(st, fn);
  for (LLVMValueRef g = LLVMGetFirstGlobal(st->module); g; g = LLVMGetNextGlobal(g)) count_stripped(st, g);

  uint32_t index = 0;
  size_t next_own = 0;
  for (LLVMValueRef fn = LLVMGetFirstFunction(st->module); fn && next_own < st->own_count;
       fn = LLVMGetNextFunction(fn), index++) {
    if (st->own[next_own] != index) continue;
    next_own++;
    if (!is_fingerprinted(fn) || !has_body(fn)) continue;
    fingerprint_function(st, fn);
    VEC_PUSH(st->function_indices, index);
    if (!is_uncoverable(fn)) continue;
    // Its content, listed like a global's for the callers' external references.
    trim_function *f = &st->functions.items[st->functions.count - 1];
    uint64_t h = trim_mix(TAG_FUNCTION, f->block_count);
    for (uint32_t b = 0; b < f->block_count; b++) {
      trim_block *block = &st->blocks.items[f->first_block + b];
      h = trim_mix(h, block->hash);
      for (uint32_t k = 0; k < block->successor_count; k++)
        h = trim_mix(h, st->successors.items[block->first_successor + k]);
      for (uint32_t k = 0; k < block->external_ref_count; k++) {
        const char *ref = st->strings.strings.items[st->external_refs.items[block->first_external_ref + k]];
        h = trim_hash_bytes(h, ref, strlen(ref));
      }
    }
    trim_global global = {f->symbol, h, 0, 0};
    VEC_PUSH(st->function_globals, global);
    VEC_PUSH(st->function_global_indices, index);
  }
  if (st->part != 0) return;
  for (LLVMValueRef g = LLVMGetFirstGlobal(st->module); g; g = LLVMGetNextGlobal(g)) {
    if (!LLVMGetInitializer(g)) continue;
    LLVMLinkage linkage = LLVMGetLinkage(g);
    if (linkage == LLVMPrivateLinkage || linkage == LLVMInternalLinkage) continue;
    if (name_has_prefix(g, "__sancov_")) continue;
    size_t len = 0;
    const char *name = LLVMGetValueName2(g, &len);
    trim_global global = {interner_add(&st->strings, name, len), hash_constant(st, g), 0, 0};
    global.first_function_ref = (uint32_t)st->function_refs.count;
    collect_function_refs(st, g, &st->function_refs);
    global.function_ref_count = (uint32_t)(st->function_refs.count - global.first_function_ref);
    VEC_PUSH(st->globals, global);
  }
}

// ---- libtest descriptors ------------------------------------------------------

/// Zeroes, in a descriptor's raw bytes, every run of four 8-byte integers that
/// reads as (start_line, start_col, end_line, end_col): small, start_line <=
/// end_line. That is where libtest keeps a test's position; masking it keeps
/// a moved test unchanged while every attribute still counts.
static void mask_positions(unsigned char *bytes, size_t n) {
  for (size_t i = 0; i + 32 <= n; i += 8) {
    uint64_t v[4];
    memcpy(v, bytes + i, 32);
    if (v[0] > 0 && v[0] <= v[2] && v[2] < (1u << 24) && v[1] < (1u << 16) && v[3] < (1u << 16)) {
      memset(bytes + i, 0, 32);
      i += 24;
    }
  }
}


static uint64_t hash_descriptor(fingerprint_state *st, LLVMValueRef value, int depth) {
  LLVMValueKind kind = LLVMGetValueKind(value);
  uint64_t h = trim_mix(0xde5c, kind);
  // A function (the test's `call_once` shim) by its name without the crate
  // hash, which the package version moves; the descriptor's function refs
  // say which one. What it does is the test's coverage's business.
  if (kind == LLVMFunctionValueKind) return trim_mix(h, function_name(st, value));
  if (depth > 4) return trim_mix(h, hash_constant(st, value));
  if (kind == LLVMConstantDataArrayValueKind) {
    size_t n = 0;
    const char *raw = LLVMGetRawDataValues(value, &n);
    unsigned char *copy = malloc(n ? n : 1);
    memcpy(copy, raw, n);
    mask_positions(copy, n);
    h = trim_hash_bytes(h, copy, n);
    free(copy);
    return h;
  }
  if (kind == LLVMConstantStructValueKind || kind == LLVMConstantArrayValueKind) {
    int n = LLVMGetNumOperands(value);
    for (int i = 0; i < n; i++) h = trim_mix(h, hash_descriptor(st, LLVMGetOperand(value, i), depth + 1));
    return h;
  }
  return trim_mix(h, hash_constant(st, value));
}

/// The strings a descriptor points at directly (its name, file, messages).
static void collect_descriptor_strings(fingerprint_state *st, LLVMValueRef value, int depth) {
  LLVMValueKind kind = LLVMGetValueKind(value);
  if (kind == LLVMGlobalVariableValueKind) {
    LLVMValueRef init = LLVMGetInitializer(value);
    if (init && LLVMGetValueKind(init) == LLVMConstantDataArrayValueKind && LLVMIsConstantString(init)) {
      size_t n = 0;
      const char *text = LLVMGetAsString(init, &n);
      VEC_PUSH(st->descriptor_strings, interner_add(&st->strings, text, n));
    }
    return;
  }
  if (depth > 4 || (kind != LLVMConstantStructValueKind && kind != LLVMConstantArrayValueKind)) return;
  int n = LLVMGetNumOperands(value);
  for (int i = 0; i < n; i++) collect_descriptor_strings(st, LLVMGetOperand(value, i), depth + 1);
}

void fingerprint_test_descriptors(fingerprint_state *st, LLVMValueRef call) {
  if (LLVMGetNumOperands(call) < 2) return;
  LLVMValueRef list = LLVMGetOperand(call, 0);
  if (LLVMGetValueKind(list) != LLVMGlobalVariableValueKind || !LLVMGetInitializer(list)) return;
  LLVMValueRef array = LLVMGetInitializer(list);
  LLVMValueKind kind = LLVMGetValueKind(array);
  if (kind != LLVMConstantStructValueKind && kind != LLVMConstantArrayValueKind) return;
  int n = LLVMGetNumOperands(array);
  for (int i = 0; i < n; i++) {
    LLVMValueRef descriptor = LLVMGetOperand(array, i);
    if (LLVMGetValueKind(descriptor) != LLVMGlobalVariableValueKind || !LLVMGetInitializer(descriptor)) continue;
    LLVMValueRef init = LLVMGetInitializer(descriptor);
    trim_test_descriptor d;
    d.digest = hash_descriptor(st, init, 0);
    d.first_string = (uint32_t)st->descriptor_strings.count;
    collect_descriptor_strings(st, init, 0);
    d.string_count = (uint32_t)(st->descriptor_strings.count - d.first_string);
    d.first_function_ref = (uint32_t)st->function_refs.count;
    collect_function_refs(st, init, &st->function_refs);
    d.function_ref_count = (uint32_t)(st->function_refs.count - d.first_function_ref);
    VEC_PUSH(st->test_descriptors, d);
  }
}
