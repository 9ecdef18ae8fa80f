import TrimModel

/// The selection's decisions from the build alone (`Selector.selectByCode`):
/// each test's reasons from its recorded run and what it executed, and
/// whether what it read outside the code must be asked before it can be
/// skipped. `finished(with:)` asks that and gives the selection
/// `Selector.select` gives: one is the other, by construction.
public struct CodeSelection: Sendable {
    public struct Decision: Sendable {
        public var key: TestKey
        public var reasons: [Reason]
        /// Reached only for a test nothing else selects: its inputs decide the rest.
        public var asksInputs: Bool

        public init(key: TestKey, reasons: [Reason], asksInputs: Bool) {
            self.key = key
            self.reasons = reasons
            self.asksInputs = asksInputs
        }
    }

    public let granularity: Granularity
    /// In test order.
    public let decisions: [Decision]

    public init(granularity: Granularity, decisions: [Decision]) {
        self.granularity = granularity
        self.decisions = decisions
    }

    /// The selection once the tests' inputs are compared with their state in
    /// `input` (`inputState`, `inputs`, `networkPolicy`; the rest of `input`
    /// is not read).
    public func finished(with input: SelectionInput) -> Selection {
        var selected: [SelectedTest] = []
        var skipped: [TestKey] = []
        for decision in decisions {
            let reasons = decision.asksInputs ? decision.reasons + Selector.inputReasons(for: decision.key, input)
                : decision.reasons
            if reasons.isEmpty {
                skipped.append(decision.key)
            } else {
                selected.append(SelectedTest(key: decision.key, reasons: reasons))
            }
        }
        return Selection(granularity: granularity, total: decisions.count, selected: selected, skipped: skipped)
    }

    /// The decisions about `keys` alone (each depends on its test only).
    public func restricted(to keys: Set<TestKey>) -> CodeSelection {
        CodeSelection(granularity: granularity, decisions: decisions.filter { keys.contains($0.key) })
    }
}
