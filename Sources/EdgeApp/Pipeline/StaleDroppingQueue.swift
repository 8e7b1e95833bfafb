import Foundation

/// A bounded hand-off queue between two pipeline threads.
/// - `.dropOldest` (live sources): a push into a full queue discards the oldest item, so the consumer always gets
///   the freshest frames (latency over throughput); discarded items are counted.
/// - `.block` (files replayed as fast as possible): a push into a full queue waits, nothing is lost.
/// `finish()` lets the consumer drain what is queued, then `pop()` returns nil; `cancel()` discards the queue
/// and wakes everyone at once (stop requested).
public final class StaleDroppingQueue<Item: Sendable>: @unchecked Sendable {
    public enum Policy: Sendable { case dropOldest, block }

    public let capacity: Int
    public let policy: Policy
    private let condition = NSCondition()
    private var items: [Item] = []
    private var finished = false
    private var cancelled = false
    private var droppedCount = 0

    public init(capacity: Int, policy: Policy) {
        precondition(capacity > 0, "queue capacity must be at least 1")
        self.capacity = capacity
        self.policy = policy
    }

    /// Returns false when the queue no longer accepts items (finished or cancelled).
    @discardableResult
    public func push(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while policy == .block && items.count >= capacity && !finished && !cancelled { condition.wait() }
        if finished || cancelled { return false }
        if items.count >= capacity {
            items.removeFirst(items.count - capacity + 1)
            droppedCount += 1
        }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The oldest item; blocks while empty; nil once finished and drained, or cancelled.
    public func pop() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished && !cancelled { condition.wait() }
        if cancelled || items.isEmpty { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    public func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    public func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    public var dropped: Int {
        condition.lock()
        defer { condition.unlock() }
        return droppedCount
    }
}
