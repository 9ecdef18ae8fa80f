import BlockIR
import Foundation
import Testing

/// The binary form the worker answers in and the caches keep: a real
/// module's fingerprint, written and read back, is the same value.
@Suite struct FingerprintCodecTests {
    @Test func aRealModuleRoundTrips() throws {
        let builds = try FixtureBuilds()
        defer { try? FileManager.default.removeItem(at: builds.root) }
        let bitcode = try builds.rust("codec", """
            pub static LIMIT: u64 = 7;
            pub fn step(x: u64) -> u64 { if x > LIMIT { x - 1 } else { x * 3 + 1 } }
            #[inline(never)] pub fn walk(mut x: u64) -> u64 { let mut n = 0; while x != 1 { x = step(x); n += 1; } n }
            #[cfg(test)] mod tests { #[test] fn walks() { assert!(super::walk(27) > 0); } }
            """, test: true)
        let module = try builds.fingerprint(bitcode)
        #expect(module.functions.count > 3)
        #expect(module.functions.contains { !$0.coverageBlocks.isEmpty || !$0.blocks.isEmpty })
        let bytes = FingerprintCodec.encode(module)
        let decoded = try bytes.withUnsafeBytes { try FingerprintCodec.decode($0) }
        #expect(decoded == module)
        // Little-endian lengths: the magic, then the source file name's length.
        #expect(Array(bytes.prefix(8)) == Array("TRIMFP05".utf8))
        let length = UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24
        #expect(Int(length) == module.sourceFilename.utf8.count)
        // Every cut is refused, never misread.
        for cut in [9, bytes.count / 3, bytes.count - 1] {
            #expect(throws: FingerprintCodec.DecodingError.self) {
                try Array(bytes.prefix(cut)).withUnsafeBytes { try FingerprintCodec.decode($0) }
            }
        }
    }
}
