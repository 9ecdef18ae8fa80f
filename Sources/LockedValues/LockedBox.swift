import Foundation

/// A value set by one task and read by another, under a lock.
public final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    public init(_ value: Value) { stored = value }

    public var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

    /// Changes the value in place, atomically.
    public func update<T>(_ change: (inout Value) -> T) -> T { lock.withLock { change(&stored) } }
}
