/// BitcodeReader: reading LLVM bitcode in this process, through CLLVMShim.
///
/// Owns: the in-process reads (`ShimReader`: a unit's fingerprint, a file's
/// block lines) and the worker's side of its protocol with `IsolatedReader`
/// (`ReaderWorker`: one request, its answer written atomically, failures as
/// the agreed exit codes).
/// Invariant: only the worker process (trim-ir-worker) and tests read here:
/// LLVM's reader can crash or loop on a damaged file, and loading libLLVM
/// costs every process that links it; everything else asks the worker
/// through BlockIR's `IsolatedReader`.
/// Never depends on: anything above BlockIR (the pipeline, the store, the
/// editor); nothing but this module and the worker may import it.
