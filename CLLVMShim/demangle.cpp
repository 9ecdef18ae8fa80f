// LLVM's demangler (Itanium, Rust v0) has no C API; this is its one C entry.
#include "llvm/Demangle/Demangle.h"
#include <cstdlib>
#include <cstring>
#include <string>

extern "C" char *trim_demangle(const char *symbol) {
  std::string out = llvm::demangle(std::string_view(symbol));
  char *copy = static_cast<char *>(std::malloc(out.size() + 1));
  std::memcpy(copy, out.c_str(), out.size() + 1);
  return copy;
}
