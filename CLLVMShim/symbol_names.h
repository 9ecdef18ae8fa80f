// Internal to CLLVMShim: symbols without the hash that crate metadata moves.
#ifndef TRIM_SYMBOL_NAMES_H
#define TRIM_SYMBOL_NAMES_H

#include <stddef.h>

/// Writes `name` without its crate hash into `out` (room for `len` + 1
/// bytes, NUL-terminated) and returns the length written: Rust legacy
/// `_ZN...17h<16 hex>E` loses `17h<16 hex>`; Rust v0 `_R...` loses every
/// crate disambiguator (`Cs<base62>_<len><crate>` becomes `C<len><crate>`).
/// Other symbols are copied unchanged. Sources/BlockIR/SymbolNames.swift
/// implements the same rule.
size_t trim_symbol_without_hash(const char *name, size_t len, char *out);

#endif
