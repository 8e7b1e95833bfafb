/// When the output thread writes a snapshot: the first frame, then every `interval` seconds of frame time
/// and on each announced change. A failed write (full disk, folder removed) is logged once and pauses
/// snapshots; one retry is made every `retrySeconds` of wall time, and the first success after a pause is
/// logged with the number of snapshots skipped. Frames and JSON lines never wait for it.
struct SnapshotSchedule {
    var retrySeconds = 5.0
    private var lastSnapshot: Double?
    private var pausedUntil: Double?
    private var skipped = 0

    var isPaused: Bool { pausedUntil != nil }

    /// Whether this frame gets a snapshot; counts the due ones skipped while paused.
    mutating func isDue(frameTime: Double, interval: Double?, changed: Bool, now: Double) -> Bool {
        let due = changed || lastSnapshot.map { last in interval.map { frameTime - last >= $0 } ?? false } ?? true
        guard due else { return false }
        if let pausedUntil, now < pausedUntil {
            skipped += 1
            return false
        }
        return true
    }

    mutating func succeeded(frameTime: Double, path: String, log: (String) -> Void) {
        lastSnapshot = frameTime
        if pausedUntil != nil {
            log("snapshot: writing again (\(path); \(skipped) snapshots skipped while it failed)")
            pausedUntil = nil
            skipped = 0
        }
    }

    mutating func failed(_ error: Error, now: Double, log: (String) -> Void) {
        if pausedUntil == nil {
            log("snapshot: \(error); snapshots paused (frames and JSON lines go on), retrying every \(Int(retrySeconds)) s: free space or fix the folder")
        }
        skipped += 1
        pausedUntil = now + retrySeconds
    }
}
