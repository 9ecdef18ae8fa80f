// Lazy reading has no C API for loading from borrowed bytes or for
// materializing one function, and debug info none for a subprogram's name;
// these are their C entries.
#include "lazy_module.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/CBindingWrapping.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm-c/Core.h"
#include <cstdlib>
#include <cstring>
#include <string>

using namespace llvm;

static char *copy_message(Error error) {
  std::string text = toString(std::move(error));
  char *copy = static_cast<char *>(std::malloc(text.size() + 1));
  std::memcpy(copy, text.c_str(), text.size() + 1);
  return copy;
}

extern "C" int trim_lazy_load(LLVMContextRef context, const char *bytes, size_t size, LLVMModuleRef *out,
                              char **error) {
  MemoryBufferRef buffer(StringRef(bytes, size), "bitcode");
  Expected<std::unique_ptr<Module>> module = getLazyBitcodeModule(buffer, *unwrap(context));
  if (!module) {
    *error = copy_message(module.takeError());
    return 1;
  }
  *out = wrap(module->release());
  return 0;
}

extern "C" int trim_is_materializable(LLVMValueRef function) {
  return unwrap<Function>(function)->isMaterializable();
}

extern "C" int trim_materialize(LLVMValueRef function, char **error) {
  if (Error failure = unwrap<Function>(function)->materialize()) {
    *error = copy_message(std::move(failure));
    return 1;
  }
  return 0;
}

extern "C" const char *trim_subprogram_name(LLVMValueRef function, size_t *length) {
  DISubprogram *subprogram = unwrap<Function>(function)->getSubprogram();
  if (!subprogram) {
    *length = 0;
    return nullptr;
  }
  StringRef name = subprogram->getName();
  *length = name.size();
  return name.data();
}

extern "C" int trim_function_is_broken(LLVMValueRef function) {
  return verifyFunction(*unwrap<Function>(function)) ? 1 : 0;
}
