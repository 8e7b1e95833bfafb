#if canImport(Glibc)
import Glibc
#endif

/// A fixed-capacity FIFO of lines shared by producers (the pipeline) and one consumer (the writer
/// thread). `push` never blocks: when full it drops the oldest line and counts it, so a slow or stuck
/// port costs log lines, never frames.
public final class BoundedLineQueue: @unchecked Sendable {
    public let capacity: Int
    private var storage: [String?]
    private var head = 0
    private var count = 0
    private var closed = false
    private var droppedCount = 0
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()

    public init(capacity: Int) {
        precondition(capacity > 0, "queue capacity must be positive")
        self.capacity = capacity
        storage = [String?](repeating: nil, count: capacity)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    private func locked<Result>(_ body: () -> Result) -> Result {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }

    /// Lines dropped because the queue was full.
    public var dropped: Int { locked { droppedCount } }
    public var pending: Int { locked { count } }
    public var isClosed: Bool { locked { closed } }

    /// Appends `line`; when full, the oldest waiting line is dropped first. Ignored after `close()`.
    public func push(_ line: String) {
        locked {
            guard !closed else { return }
            if count == capacity {
                head = (head + 1) % capacity
                count -= 1
                droppedCount += 1
            }
            storage[(head + count) % capacity] = line
            count += 1
            pthread_cond_signal(&condition)
        }
    }

    /// The oldest line, waiting while the queue is empty; nil once closed and drained.
    public func pop() -> String? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while count == 0 && !closed { pthread_cond_wait(&condition, &mutex) }
        guard count > 0 else { return nil }
        let line = storage[head]
        storage[head] = nil
        head = (head + 1) % capacity
        count -= 1
        return line
    }

    /// Wakes the consumer; lines still queued are delivered before `pop` returns nil.
    public func close() {
        locked {
            closed = true
            pthread_cond_broadcast(&condition)
        }
    }
}
