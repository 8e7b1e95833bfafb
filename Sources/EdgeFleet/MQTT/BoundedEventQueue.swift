/// First in, first out, at most `capacity` elements: appending to a full queue drops the oldest and counts it.
/// Not thread-safe (its owner locks).
struct BoundedEventQueue<Element> {
    let capacity: Int
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0
    private(set) var dropped = 0

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        storage = Array(repeating: nil, count: capacity)
    }

    var isEmpty: Bool { count == 0 }

    mutating func append(_ element: Element) {
        if count == capacity {
            storage[head] = nil
            head = (head + 1) % capacity
            count -= 1
            dropped += 1
        }
        storage[(head + count) % capacity] = element
        count += 1
    }

    var first: Element? { count == 0 ? nil : storage[head] }

    mutating func removeFirst() -> Element? {
        guard count > 0 else { return nil }
        let element = storage[head]
        storage[head] = nil
        head = (head + 1) % capacity
        count -= 1
        return element
    }
}
