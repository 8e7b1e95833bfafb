/// An axis-aligned face rectangle in frame pixels: top-left corner and size, as OpenCV's `[x, y, w, h]`.
public struct FaceBox: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var area: Int { max(0, width) * max(0, height) }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var description: String { "[\(x), \(y), \(width), \(height)]" }

    /// Intersection over union in [0, 1]; 0 when either box is empty.
    public func intersectionOverUnion(_ other: FaceBox) -> Double {
        let left = max(x, other.x), right = min(maxX, other.maxX)
        let top = max(y, other.y), bottom = min(maxY, other.maxY)
        guard right > left, bottom > top else { return 0 }
        let intersection = (right - left) * (bottom - top)
        let union = area + other.area - intersection
        return union > 0 ? Double(intersection) / Double(union) : 0
    }
}
