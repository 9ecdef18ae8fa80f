// CContentHash: the C that trim's own process needs, without libLLVM.
//
// BLAKE3 (how trim names file contents) and the LLVM version the bitcode
// reader is built against (what content-keyed cache entries name besides the
// bytes). Both come from LLVM at build time only: BLAKE3 is LLVM's own C and
// assembly, linked statically from libLLVMSupport.a (it needs nothing else of
// LLVM), and the version is read from LLVM's headers. Nothing here loads
// libLLVM at run time; CLLVMShim, which does, is for the reader process.
#ifndef CCONTENTHASH_H
#define CCONTENTHASH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// BLAKE3 of a byte range, truncated to `out_len` bytes.
void trim_blake3(const void *bytes, size_t length, uint8_t *out, size_t out_len);

/// BLAKE3 of a file's bytes, truncated to `out_len` bytes: 0, or -1 when the
/// file cannot be opened or read (a directory, say), `out` then untouched.
int trim_blake3_file(const char *path, uint8_t *out, size_t out_len);

/// The LLVM version of the headers trim was built against, e.g. "22.1.8":
/// the version the bitcode reader (trim-ir-worker, built from the same
/// headers) must be loading, which it checks before it reads.
const char *trim_llvm_build_version(void);

#ifdef __cplusplus
}
#endif

#endif
