import Foundation

/// The blockdiff benchmark's input: one library crate of `moduleCount`
/// modules (`m000.rs` ...), each about 335 lines of dependency-free Rust with
/// its own constants, so no two modules compile to the same code. The module
/// in the middle carries the `// BENCH-MUTATE` line the benchmark edits.
struct BlockdiffCrate {
    let moduleCount: Int

    var mutatedModule: Int { moduleCount / 2 }

    func write(to directory: URL) throws(GenerateError) {
        let names = (0..<moduleCount).map { String(format: "m%03d", $0) }
        let lib = try Template(name: "blockdiff-lib.rs", bytes: PackageResources.blockdiff_lib_rs).render([
            "moduleCount": "\(moduleCount)",
            "moduleDeclarations": names.map { "pub mod \($0);" }.joined(separator: "\n"),
            "moduleCalls": names.map { "        \($0)::process(input)," }.joined(separator: "\n"),
        ])
        try writeFile(lib, to: "src/lib.rs", in: directory)
        let template = Template(name: "blockdiff-module.rs", bytes: PackageResources.blockdiff_module_rs)
        for (index, name) in names.enumerated() {
            let source = try template.render(Self.values(ofModule: index, mutated: index == mutatedModule))
            try writeFile(source, to: "src/\(name).rs", in: directory)
        }
    }

    /// The constants of module `index`: each grows with the index so every
    /// module's code differs a little; `stride` and `seed` cycle so the
    /// loops and branches vary in shape too.
    static func values(ofModule index: Int, mutated: Bool) -> [String: String] {
        let stride = index % 7 + 2  // the scorer's every-nth weight, the state machine's multiplier and the bias rotation
        let seed = index % 3  // cycles the record count and the window's starting bias
        // The grade bands: low up to 10+i, medium to 100+2i, high to 1000+5i, each band starting one past the last.
        let lowGradeMax = 10 + index
        let mediumGradeMax = 100 + index * 2
        let highGradeMax = 1000 + index * 5
        return [
            "index": "\(index)",
            "stride": "\(stride)",
            "keyLengthLimit": "\(64 + index * 3)",
            "lowGradeMax": "\(lowGradeMax)",
            "mediumGradeMin": "\(lowGradeMax + 1)",
            "mediumGradeMax": "\(mediumGradeMax)",
            "highGradeMin": "\(mediumGradeMax + 1)",
            "highGradeMax": "\(highGradeMax)",
            "startingAccumulator": "\(index * 7)",
            "startBudget": "\(10 + index)",
            "resumeBudget": "\(20 + index)",
            "biasSeed": "\(seed + 1)",
            "recordCount": "\(3 + seed)",
            "firstRecordID": "\(index * 1000)",
            "scorerBias": "\(index + 1)",
            "mutationMarker": mutated ? " // BENCH-MUTATE" : "",
        ]
    }
}
