import CEdgeSyscalls
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Threads that run the parts of one job together with the caller: `run(job:)` has every part
/// `body(job, part, parts)`, part in 0..<parts, run exactly once, by the caller or by a worker,
/// and returns when all are done. There may be more parts than threads (`partsPerThread` each), so a
/// worker that starts late still takes a share and a slow one holds the others up less. The threads
/// are made once and live as long as the pool: a long-running process keeps a fixed thread count
/// (unlike a Dispatch pool, which starts and reaps threads as it likes).
///
/// Made once (with the interpreter); `run` allocates nothing, takes no lock and logs nothing.
/// Synchronisation is a few shared words, each on its own cache line:
/// - `state` = generation << 16 | parts claimed so far. `run` publishes a job by storing a new
///   generation with 0 claimed; every thread, the caller included, claims the next part with a
///   compare-and-swap that fails if the generation moved on, so a worker that wakes up late can
///   never run a part of the wrong job. A worker that is not scheduled simply claims nothing: the
///   caller runs the parts itself (no waiting for a preempted thread on a busy machine).
/// - `done` counts finished parts; the caller waits (spin, then sched_yield) until it equals `parts`.
/// - `sleepers` counts workers in FUTEX_WAIT on `state`; `run` calls FUTEX_WAKE only when it is not 0.
/// Workers spin a little after each job (the next layer follows within microseconds), then sleep.
/// All atomics are sequentially consistent: a worker that registers as a sleeper either sees the new
/// state or is seen by `run` and woken (FUTEX_WAIT re-checks the word in the kernel).
public final class WorkerPool: @unchecked Sendable {  // shared state is the atomic words and `job`
    /// Threads per job, the caller included (fewer than requested if the system refused a thread).
    public private(set) var threads: Int
    /// Parts per job: `threads * partsPerThread`.
    public private(set) var parts: Int
    public let partsPerThread: Int
    public static let defaultPartsPerThread = 4

    private static let lineWords = 16  // 64-byte cache line / 4
    private let words: UnsafeMutablePointer<UInt32>
    private var state: SharedWord { SharedWord(words) }
    private var done: SharedWord { SharedWord(words + Self.lineWords) }
    private var sleepers: SharedWord { SharedWord(words + 2 * Self.lineWords) }
    private var stopping: SharedWord { SharedWord(words + 3 * Self.lineWords) }
    /// The job of the current generation: written by `run` before the state publishes it.
    private let job: UnsafeMutablePointer<Int>
    private var generation: UInt32 = 0
    private let body: @Sendable (_ job: Int, _ part: Int, _ parts: Int) -> Void
    private var workers: [pthread_t] = []

    /// Spins (PAUSE/YIELD hints) before an idle worker sleeps: tens of microseconds, longer than
    /// the gap between two layers, far shorter than the gap between two camera frames.
    private static let workerSpins = 4_000
    /// Spins before the caller starts yielding its CPU while workers finish their parts.
    private static let callerSpins = 2_000

    /// `threads - 1` worker threads with `stackBytes` of stack each (the kernels need up to 128 kB),
    /// named `name` (at most 15 bytes; what `top -H` and /proc/<pid>/task/*/comm show).
    /// If pthread_create fails, the pool keeps the workers it has (`threads` says how many).
    public init(threads: Int, partsPerThread: Int = WorkerPool.defaultPartsPerThread, stackBytes: Int = 1 << 20,
                name: String = "edge-worker", body: @escaping @Sendable (_ job: Int, _ part: Int, _ parts: Int) -> Void) {
        self.threads = max(1, min(threads, 64))
        self.partsPerThread = max(1, min(partsPerThread, 16))
        parts = self.threads * self.partsPerThread
        self.body = body
        words = UnsafeMutablePointer<UInt32>.allocate(capacity: 4 * Self.lineWords)
        words.initialize(repeating: 0, count: 4 * Self.lineWords)
        job = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        job.initialize(to: 0)
        // Generation 0 with every part claimed (nothing to do), before any worker looks. At most
        // 64 x 16 parts: the claim field (16 bits) cannot overflow.
        state.store(UInt32(parts))
        let requested = self.threads
        for worker in 1..<requested {
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            pthread_attr_setstacksize(&attributes, stackBytes)
            defer { pthread_attr_destroy(&attributes) }
            let context = Unmanaged.passRetained(WorkerContext(pool: self, name: name)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, &attributes, { raw in
                let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                _ = edge_name_this_thread(context.name)
                context.pool.workerLoop()
                return nil
            }, context)
            guard status == 0 else {
                Unmanaged<WorkerContext>.fromOpaque(context).release()
                self.threads = worker  // workers 1..<worker are running
                parts = worker * self.partsPerThread
                break
            }
            workers.append(thread)
        }
    }

    deinit {
        stop()
        words.deallocate()
        job.deallocate()
    }

    /// Runs `job` in `parts` parts (see the type's description).
    public func run(job index: Int) {
        guard threads > 1 else { return body(index, 0, 1) }
        job.pointee = index
        done.store(0)
        generation = (generation + 1) & 0xFFFF
        state.store(generation << 16)
        if sleepers.load() != 0 { state.wakeAll() }
        claimAndRun()
        var spins = 0
        while done.load() != UInt32(parts) {
            spins += 1
            if spins < Self.callerSpins { SharedWord.relax() } else { SharedWord.yieldProcessor() }
        }
    }

    /// Wakes sleeping workers ahead of a burst of jobs (their futex wake-up then overlaps the
    /// caller's own work, e.g. quantizing the input).
    public func prepare() {
        if threads > 1, sleepers.load() != 0 { state.wakeAll() }
    }

    /// Claims and runs parts of the published job until none is left; returns how many it ran.
    @discardableResult
    private func claimAndRun() -> Int {
        var ran = 0
        while true {
            let current = state.load()
            let claimed = Int(current & 0xFFFF)
            if claimed >= parts { return ran }
            let index = job.pointee  // read before the claim: valid if the claim succeeds
            if state.compareExchange(expected: current, desired: current + 1) {
                body(index, claimed, parts)
                done.add(1)
                ran += 1
            }
        }
    }

    private func workerLoop() {
        var spins = 0
        while stopping.load() == 0 {
            let current = state.load()
            if Int(current & 0xFFFF) < parts {
                if claimAndRun() > 0 { spins = 0 }
                continue
            }
            if spins < Self.workerSpins {
                spins += 1
                SharedWord.relax()
            } else {
                sleepers.add(1)
                if stopping.load() == 0 { state.wait(whileEqualTo: current) }
                sleepers.subtract(1)
                spins = 0
            }
        }
    }

    private func stop() {
        stopping.store(1)
        state.add(1 << 16)  // changes the word, so a worker entering FUTEX_WAIT returns at once
        state.wakeAll()
        for thread in workers { pthread_join(thread, nil) }
        workers = []
    }

    private final class WorkerContext {
        unowned(unsafe) let pool: WorkerPool
        let name: String
        init(pool: WorkerPool, name: String) {
            self.pool = pool
            self.name = name
        }
    }
}
