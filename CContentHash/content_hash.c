#include "CContentHash.h"

#include <llvm-c/blake3.h>
#include <llvm/Config/llvm-config.h>

void trim_blake3(const void *bytes, size_t length, uint8_t *out, size_t out_len) {
  llvm_blake3_hasher hasher;
  llvm_blake3_hasher_init(&hasher);
  llvm_blake3_hasher_update(&hasher, bytes, length);
  llvm_blake3_hasher_finalize(&hasher, out, out_len);
}

const char *trim_llvm_build_version(void) { return LLVM_VERSION_STRING; }
