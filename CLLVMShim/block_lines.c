// The source lines each basic block's instructions carry in their debug
// locations: what `trim coverage`, `trim path` and the editor turn recorded
// blocks into. One full parse; plain C data out.
#include "CLLVMShim.h"
#include <llvm-c/BitReader.h>
#include <llvm-c/Core.h>
#include "llvm_diagnostics.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *duplicate(const char *s, size_t n) {
  char *out = malloc(n + 1);
  memcpy(out, s, n);
  out[n] = 0;
  return out;
}

#define GROW(array, count, capacity)                                                  \
  do {                                                                                \
    if ((count) == (capacity)) {                                                      \
      (capacity) = (capacity) ? (capacity) * 2 : 64;                                  \
      (array) = realloc((array), (capacity) * sizeof *(array));                       \
    }                                                                                 \
  } while (0)

typedef struct {
  trim_block_lines *out;
  size_t string_capacity, function_capacity, block_capacity, line_capacity;
} line_builder;

static uint32_t intern(line_builder *b, const char *s, size_t n) {
  // Few distinct files per module: a linear scan from the newest is enough.
  for (size_t i = b->out->string_count; i > 0; i--) {
    const char *known = b->out->strings[i - 1];
    if (strlen(known) == n && memcmp(known, s, n) == 0) return (uint32_t)(i - 1);
  }
  GROW(b->out->strings, b->out->string_count, b->string_capacity);
  b->out->strings[b->out->string_count] = duplicate(s, n);
  return (uint32_t)b->out->string_count++;
}

static void add_line(line_builder *b, uint32_t first, uint32_t file, uint32_t line) {
  for (size_t i = first; i < b->out->line_count; i++)
    if (b->out->lines[i].file == file && b->out->lines[i].line == line) return;
  GROW(b->out->lines, b->out->line_count, b->line_capacity);
  b->out->lines[b->out->line_count++] = (trim_source_line){file, line};
}

static void read_function(line_builder *b, LLVMValueRef fn) {
  size_t name_length = 0;
  const char *name = LLVMGetValueName2(fn, &name_length);
  GROW(b->out->functions, b->out->function_count, b->function_capacity);
  trim_line_function *f = &b->out->functions[b->out->function_count++];
  f->symbol = intern(b, name, name_length);
  f->first_block = (uint32_t)b->out->block_count;
  f->block_count = 0;
  for (LLVMBasicBlockRef block = LLVMGetFirstBasicBlock(fn); block; block = LLVMGetNextBasicBlock(block)) {
    GROW(b->out->blocks, b->out->block_count, b->block_capacity);
    uint32_t first = (uint32_t)b->out->line_count;
    for (LLVMValueRef inst = LLVMGetFirstInstruction(block); inst; inst = LLVMGetNextInstruction(inst)) {
      unsigned line = LLVMGetDebugLocLine(inst);
      if (!line) continue;
      unsigned length = 0, directory_length = 0;
      const char *file = LLVMGetDebugLocFilename(inst, &length);
      if (!file) continue;
      const char *directory = LLVMGetDebugLocDirectory(inst, &directory_length);
      if (length > 0 && file[0] != '/' && directory && directory_length > 0) {
        // Relative to the compilation's directory: the workspace root for
        // its members, rustc's own source tree for the standard library.
        size_t joined_length = (size_t)directory_length + 1 + length;
        char *joined = malloc(joined_length + 1);
        memcpy(joined, directory, directory_length);
        joined[directory_length] = '/';
        memcpy(joined + directory_length + 1, file, length);
        joined[joined_length] = 0;
        add_line(b, first, intern(b, joined, joined_length), line);
        free(joined);
      } else {
        add_line(b, first, intern(b, file, length), line);
      }
    }
    b->out->blocks[b->out->block_count++] = (trim_line_block){first, (uint32_t)b->out->line_count - first};
    f->block_count++;
  }
}

trim_block_lines *trim_read_block_lines(const char *path) {
  trim_block_lines *out = calloc(1, sizeof(trim_block_lines));
  LLVMMemoryBufferRef buffer = NULL;
  char *open_error = NULL;
  if (LLVMCreateMemoryBufferWithContentsOfFile(path, &buffer, &open_error)) {
    const char *message = open_error ? open_error : "cannot read file";
    out->error = duplicate(message, strlen(message));
    LLVMDisposeMessage(open_error);
    return out;
  }
  diagnostics diag = {{0}, 0};
  LLVMContextRef context = LLVMContextCreate();
  LLVMContextSetDiagnosticHandler(context, trim_keep_first_error, &diag);
  LLVMModuleRef module = NULL;
  if (LLVMParseBitcodeInContext2(context, buffer, &module)) {
    const char *message = diag.seen ? diag.message : "invalid bitcode";
    out->error = duplicate(message, strlen(message));
  } else {
    line_builder b = {out, 0, 0, 0, 0};
    for (LLVMValueRef fn = LLVMGetFirstFunction(module); fn; fn = LLVMGetNextFunction(fn))
      if (!LLVMIsDeclaration(fn)) read_function(&b, fn);
    LLVMDisposeModule(module);
  }
  LLVMDisposeMemoryBuffer(buffer);
  LLVMContextDispose(context);
  return out;
}

void trim_block_lines_free(trim_block_lines *lines) {
  if (!lines) return;
  for (size_t i = 0; i < lines->string_count; i++) free((void *)lines->strings[i]);
  free(lines->strings);
  free(lines->functions);
  free(lines->blocks);
  free(lines->lines);
  free(lines->error);
  free(lines);
}
