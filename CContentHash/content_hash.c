#include "CContentHash.h"

#include <errno.h>
#include <fcntl.h>
#include <llvm-c/blake3.h>
#include <llvm/Config/llvm-config.h>
#include <stdlib.h>
#include <unistd.h>

void trim_blake3(const void *bytes, size_t length, uint8_t *out, size_t out_len) {
  llvm_blake3_hasher hasher;
  llvm_blake3_hasher_init(&hasher);
  llvm_blake3_hasher_update(&hasher, bytes, length);
  llvm_blake3_hasher_finalize(&hasher, out, out_len);
}

/* Read in pieces rather than mapped: for the source files and test
 * executables trim hashes (a few KB to a few MB), mapping costs more than
 * the copy (page faults, and on unmapping every other thread's TLB is
 * flushed). 64 KiB stays below malloc's mmap threshold and lets BLAKE3 hash
 * many chunks at once. */
enum { piece_size = 64 * 1024 };

int trim_blake3_file(const char *path, uint8_t *out, size_t out_len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  uint8_t *piece = malloc(piece_size);
  if (piece == NULL) {
    close(fd);
    return -1;
  }
  llvm_blake3_hasher hasher;
  llvm_blake3_hasher_init(&hasher);
  int status = 0;
  for (;;) {
    ssize_t got = read(fd, piece, piece_size);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      status = -1;
      break;
    }
    llvm_blake3_hasher_update(&hasher, piece, (size_t)got);
  }
  free(piece);
  close(fd);
  if (status == 0) llvm_blake3_hasher_finalize(&hasher, out, out_len);
  return status;
}

const char *trim_llvm_build_version(void) { return LLVM_VERSION_STRING; }
