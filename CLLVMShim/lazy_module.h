// Internal to CLLVMShim: lazy loading, one function at a time, and what
// only the C++ API tells (lazy_module.cpp).
#ifndef TRIM_LAZY_MODULE_H
#define TRIM_LAZY_MODULE_H

#include <llvm-c/Types.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Reads the module's globals, types and metadata from `bytes` (which must
/// outlive the module), leaving function bodies to trim_materialize. Returns 0
/// on success, else sets `*error` (malloc'd).
int trim_lazy_load(LLVMContextRef context, const char *bytes, size_t size, LLVMModuleRef *out, char **error);

/// Whether `function`'s body is still in the bitcode, not yet read.
int trim_is_materializable(LLVMValueRef function);

/// Reads `function`'s body. Returns 0 on success, else sets `*error` (malloc'd).
int trim_materialize(LLVMValueRef function, char **error);

/// The name of `function`'s debug-info subprogram (rustc puts a generic
/// instance's type arguments there: `pick<u32>`), or NULL. Read once its body is.
const char *trim_subprogram_name(LLVMValueRef function, size_t *length);

/// Whether `function` fails LLVM's verifier (1) or passes it (0). The C API's
/// LLVMVerifyFunction lives in libLLVMAnalysis, which a static link would
/// otherwise pull in whole; the verifier itself is in libLLVMCore.
int trim_function_is_broken(LLVMValueRef function);

#ifdef __cplusplus
}
#endif

#endif
