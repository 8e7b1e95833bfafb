import EdgeSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Threads that run the parts of one job together with the caller: `run(job:)` calls
/// `body(job, 0, parts)` on the calling thread and `body(job, i, parts)` on worker i (1..<parts)
/// and returns when every part is done.
///
/// Made once (with the interpreter); `run` allocates nothing, takes no lock and logs nothing.
/// Synchronisation is three shared words, each on its own cache line: `generation` (bumped by
/// `run` to publish a job), `remaining` (parts still running) and `sleepers` (workers in futex
/// sleep). Workers spin on `generation` for a while after each job (the next layer follows within
/// microseconds) and then sleep in FUTEX_WAIT; `run` issues FUTEX_WAKE only when a worker sleeps.
/// The caller spins on `remaining`, yielding the CPU after a while in case a worker was preempted.
/// All atomics are sequentially consistent, so a worker that registers as a sleeper either sees
/// the new generation or is seen by `run` and woken (the futex re-checks the word in the kernel).
final class WorkerPool: @unchecked Sendable {  // shared state is the atomic words and `job`
    /// Threads per job, the caller included (fewer than requested if the system refused a thread).
    private(set) var parts: Int

    private static let lineWords = 16  // 64-byte cache line / 4
    private let words: UnsafeMutablePointer<UInt32>
    private var generation: SharedWord { SharedWord(words) }
    private var remaining: SharedWord { SharedWord(words + Self.lineWords) }
    private var sleepers: SharedWord { SharedWord(words + 2 * Self.lineWords) }
    private var stopping: SharedWord { SharedWord(words + 3 * Self.lineWords) }
    /// The job of the current generation: written by `run` before the generation is published.
    private let job: UnsafeMutablePointer<Int>
    private let body: @Sendable (_ job: Int, _ part: Int, _ parts: Int) -> Void
    private var threads: [pthread_t] = []

    /// Spins (PAUSE/YIELD hints) before a worker sleeps: about 50-100 us, longer than the gap
    /// between two layers, far shorter than the gap between two camera frames.
    private static let workerSpins = 20_000
    /// Spins before the caller starts yielding its CPU while waiting for the other parts.
    private static let callerSpins = 50_000

    /// `parts - 1` worker threads with `stackBytes` of stack each (the kernels need up to 128 kB).
    /// If pthread_create fails, the pool keeps the workers it has (`parts` says how many).
    init(parts: Int, stackBytes: Int = 1 << 20,
         body: @escaping @Sendable (_ job: Int, _ part: Int, _ parts: Int) -> Void) {
        self.parts = max(1, parts)
        self.body = body
        words = UnsafeMutablePointer<UInt32>.allocate(capacity: 4 * Self.lineWords)
        words.initialize(repeating: 0, count: 4 * Self.lineWords)
        job = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        job.initialize(to: 0)
        let requested = self.parts
        for part in 1..<requested {
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            pthread_attr_setstacksize(&attributes, stackBytes)
            defer { pthread_attr_destroy(&attributes) }
            let context = Unmanaged.passRetained(WorkerContext(pool: self, part: part)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, &attributes, { raw in
                let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                context.pool.workerLoop(part: context.part)
                return nil
            }, context)
            guard status == 0 else {
                Unmanaged<WorkerContext>.fromOpaque(context).release()
                self.parts = part  // workers 1..<part are running
                break
            }
            threads.append(thread)
        }
    }

    deinit {
        stop()
        words.deallocate()
        job.deallocate()
    }

    /// Runs `job` in `parts` parts (see the type's description).
    func run(job index: Int) {
        guard parts > 1 else { return body(index, 0, 1) }
        job.pointee = index
        remaining.store(UInt32(parts - 1))
        generation.add(1)
        if sleepers.load() != 0 { generation.wakeAll() }
        body(index, 0, parts)
        var spins = 0
        while remaining.load() != 0 {
            spins += 1
            if spins < Self.callerSpins { SharedWord.relax() } else { SharedWord.yieldProcessor() }
        }
    }

    /// Wakes sleeping workers ahead of a burst of jobs (their futex wake-up then overlaps the
    /// caller's own work, e.g. quantizing the input).
    func prepare() {
        if parts > 1, sleepers.load() != 0 { generation.wakeAll() }
    }

    private func workerLoop(part: Int) {
        var seen: UInt32 = 0
        while true {
            var spins = 0
            var current = generation.load()
            while current == seen {
                if spins < Self.workerSpins {
                    spins += 1
                    SharedWord.relax()
                } else {
                    sleepers.add(1)
                    generation.wait(whileEqualTo: seen)
                    sleepers.subtract(1)
                    spins = 0
                }
                current = generation.load()
            }
            seen = current
            if stopping.load() != 0 { return }
            body(job.pointee, part, parts)
            remaining.subtract(1)
        }
    }

    private func stop() {
        stopping.store(1)
        generation.add(1)
        generation.wakeAll()
        for thread in threads { pthread_join(thread, nil) }
        threads = []
    }

    private final class WorkerContext {
        unowned(unsafe) let pool: WorkerPool
        let part: Int
        init(pool: WorkerPool, part: Int) {
            self.pool = pool
            self.part = part
        }
    }
}
