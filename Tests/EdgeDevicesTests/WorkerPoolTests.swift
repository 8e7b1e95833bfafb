import EdgeSystem
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The worker pool (interpreter layers, detector pyramid levels) must run every part of every job exactly once, whichever thread
/// claims it, and be reusable for many jobs in a row (workers spinning, sleeping and waking).
@Suite struct WorkerPoolTests {
    final class Counts: @unchecked Sendable {  // each (job, part) slot is written by one thread only
        let slots: UnsafeMutableBufferPointer<Int>
        init(_ count: Int) {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: 0)
        }
        deinit { slots.deallocate() }
    }

    @Test(arguments: [2, 3]) func everyPartOfEveryJobRunsExactlyOnce(threads: Int) {
        let jobs = 3000
        let counts = Counts(jobs * threads * WorkerPool.defaultPartsPerThread)
        let pool = WorkerPool(threads: threads) { job, part, parts in
            counts.slots[job * parts + part] += 1
        }
        #expect(pool.threads == threads)
        #expect(pool.parts == threads * WorkerPool.defaultPartsPerThread)
        for job in 0..<jobs {
            if job % 300 == 0 { usleep(3000) }  // long enough for the workers to go to futex sleep
            pool.run(job: job)
        }
        #expect(counts.slots.allSatisfy { $0 == 1 })
    }
}
