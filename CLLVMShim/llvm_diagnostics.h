// The first error LLVM reports while reading a module, kept instead of
// printed (LLVM's default handler prints and may exit). Internal to the shim.
#ifndef TRIM_LLVM_DIAGNOSTICS_H
#define TRIM_LLVM_DIAGNOSTICS_H

#include <llvm-c/Core.h>

typedef struct {
  char message[4096];
  int seen;
} diagnostics;

// An LLVMDiagnosticHandler; `context` is a `diagnostics *`.
void trim_keep_first_error(LLVMDiagnosticInfoRef info, void *context);

#endif
