import CEdgeSyscalls

/// A 32-bit word that threads synchronise on without locks: sequentially consistent loads, stores,
/// atomic read-modify-write, and futex(2) sleep/wake for waits that outlast a short spin.
/// The word lives in memory the owner allocates (one per cache line to avoid false sharing) and
/// must outlive every thread that uses it.
public struct SharedWord: @unchecked Sendable {  // a raw address; the atomics make sharing safe
    public let address: UnsafeMutablePointer<UInt32>

    public init(_ address: UnsafeMutablePointer<UInt32>) { self.address = address }

    @inline(__always) public func load() -> UInt32 { edge_atomic_load(address) }
    @inline(__always) public func store(_ value: UInt32) { edge_atomic_store_release(address, value) }
    /// Adds `value` (wrapping) and returns the previous value.
    @discardableResult @inline(__always)
    public func add(_ value: UInt32) -> UInt32 { edge_atomic_fetch_add(address, value) }
    /// Subtracts `value` (wrapping) and returns the previous value.
    @discardableResult @inline(__always)
    public func subtract(_ value: UInt32) -> UInt32 { edge_atomic_fetch_sub(address, value) }

    /// Stores `desired` if the word holds `expected`; returns whether it did.
    @inline(__always)
    public func compareExchange(expected: UInt32, desired: UInt32) -> Bool {
        edge_atomic_compare_exchange(address, expected, desired) != 0
    }

    /// Sleeps while the word still holds `expected` (FUTEX_WAIT). May return early (a wake, a
    /// signal, or the value already changed): callers re-check the word in a loop.
    public func wait(whileEqualTo expected: UInt32) { _ = edge_futex_wait(address, expected) }
    /// Wakes every thread sleeping in `wait` on this word (FUTEX_WAKE).
    public func wakeAll() { _ = edge_futex_wake(address, Int32.max) }

    /// The CPU's spin-loop hint (PAUSE on x86, YIELD on ARM).
    @inline(__always) public static func relax() { edge_cpu_relax() }
    /// Gives the CPU to another runnable thread (sched_yield): for spins that last too long on a
    /// machine with more threads than cores.
    public static func yieldProcessor() { _ = edge_sched_yield() }
}
