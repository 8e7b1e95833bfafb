import EdgeSystem
import Foundation
import Testing
@testable import EdgeApp

@Suite struct QueueTests {
    @Test func dropOldestKeepsTheFreshest() {
        let queue = StaleDroppingQueue<Int>(capacity: 2, policy: .dropOldest)
        for value in 1...5 { queue.push(value) }
        #expect(queue.dropped == 3)
        #expect(queue.pop() == 4)
        #expect(queue.pop() == 5)
        queue.finish()
        #expect(queue.pop() == nil)
    }

    @Test func blockingQueueLosesNothing() async {
        let queue = StaleDroppingQueue<Int>(capacity: 1, policy: .block)
        let producer = Thread {
            for value in 0..<200 { queue.push(value) }
            queue.finish()
        }
        producer.start()
        var received: [Int] = []
        while let value = queue.pop() { received.append(value) }
        #expect(received == Array(0..<200))
        #expect(queue.dropped == 0)
    }

    @Test func cancelWakesAWaitingConsumerAtOnce() {
        let queue = StaleDroppingQueue<Int>(capacity: 1, policy: .block)
        let start = MonotonicClock().now()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { queue.cancel() }
        #expect(queue.pop() == nil)
        #expect(MonotonicClock().now() - start < 1)
        #expect(!queue.push(1))
    }
}
