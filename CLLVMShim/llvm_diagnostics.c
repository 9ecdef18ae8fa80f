#include "llvm_diagnostics.h"

#include <stdio.h>

void trim_keep_first_error(LLVMDiagnosticInfoRef info, void *context) {
  diagnostics *d = context;
  if (LLVMGetDiagInfoSeverity(info) != LLVMDSError) return;
  char *text = LLVMGetDiagInfoDescription(info);
  if (!d->seen) {
    snprintf(d->message, sizeof d->message, "%s", text ? text : "unknown error");
    d->seen = 1;
  }
  LLVMDisposeMessage(text);
}
