/// Ends a source after `limit` frames (`--max-frames`).
public final class FrameLimitSource: FrameSource {
    private let inner: FrameSource
    private let limit: Int
    private var delivered = 0

    public init(_ inner: FrameSource, limit: Int) {
        self.inner = inner
        self.limit = limit
    }

    public var summary: String { inner.summary + ", first \(limit) frames" }

    public func nextFrame() throws -> GrayFrame? {
        guard delivered < limit, let frame = try inner.nextFrame() else { return nil }
        delivered += 1
        return frame
    }

    public func close() { inner.close() }
}
