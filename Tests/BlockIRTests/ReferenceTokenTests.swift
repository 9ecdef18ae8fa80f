@testable import BlockIR
import Testing

/// The tokens a crate module keeps for `CrossCrateFold`, read back as written.
@Suite struct ReferenceTokenTests {
    @Test(arguments: [UInt64(0), 1, 0xf, 0x10, 0xdead_beef, 0x0123_4567_89ab_cdef, UInt64.max])
    func aKnownContributionReadsBackAsWritten(value: UInt64) {
        guard case .known(let read) = ReferenceFold.Token(text: ReferenceFold.Token.known(value).text) else {
            Issue.record("not read as a known contribution")
            return
        }
        #expect(read == value)
    }

    @Test func namesReadBackAsWritten() {
        let symbol = "_ZN4core3ptr13drop_in_place17h0123456789abcdefE"
        guard case .byName(let name) = ReferenceFold.Token(text: ReferenceFold.Token.byName(symbol).text),
            case .byContent(let content) = ReferenceFold.Token(text: ReferenceFold.Token.byContent(symbol).text)
        else {
            Issue.record("not read back")
            return
        }
        #expect(name == symbol && content == symbol)
    }

    /// Not what trim writes: not a token (the fold then counts the text by itself, the safe way).
    @Test(arguments: ["", "=", "=x1", "=12345678901234567", "=-1", "=1 ", "?abc"])
    func malformedTextIsNoToken(text: String) {
        #expect(ReferenceFold.Token(text: text) == nil)
    }
}
