import Foundation

/// One slot per work item of a parallel loop (`ParallelLoop`): each item
/// fills its own slot, and the results are read in item order once the loop
/// is over.
public final class IndexedSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    public func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }

    /// Every slot, in order. Only for loops that fill every slot: an empty one is a bug.
    public var all: [Value] {
        lock.withLock {
            slots.enumerated().map { index, value in
                guard let value else { preconditionFailure("IndexedSlots: slot \(index) of \(slots.count) was never filled") }
                return value
            }
        }
    }

    /// The filled slots, in order (a cancelled loop leaves some empty).
    public var filled: [Value] { lock.withLock { slots.compactMap { $0 } } }
}
