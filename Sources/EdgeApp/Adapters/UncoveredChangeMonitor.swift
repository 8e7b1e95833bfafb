import EdgeDetect
import EdgeImage

/// Notices a new face early: compares 16x16-pixel block means of the frame with those of the frame the last full scan
/// looked at, outside the faces found in the current frame (each box grown by 0.6 of its width on every side: head
/// and hair; the trail of a moving face is ignored as below). A block whose mean moved by more than `threshold` grey levels means something changed where no region looks,
/// so `TrackingHaarFaceDetector` asks for a full scan then instead of waiting for the period. Blocks that changed
/// between the previous two full scans (and 3 blocks around them) are ignored: something moving there that the full
/// scan did not report as a face (a body, a face turned away) would otherwise ask for a full scan over and over; such
/// areas wait for the periodic scan. Costs one pass over the frame (a few hundred microseconds at 640x480).
struct UncoveredChangeMonitor {
    static let block = 16
    static let threshold = 6
    static let suppressionRadius = 3

    private var reference: [Int32] = []
    private var columns = 0, rows = 0
    private var current: [Int32] = []
    private var suppressed: [Bool] = []

    /// The frame a full scan starts on.
    mutating func setReference(_ image: GrayImage) {
        let previous = reference, previousColumns = columns, previousRows = rows
        reference = Self.blockSums(image, into: &current, columns: &columns, rows: &rows)
        suppressed = [Bool](repeating: false, count: columns * rows)
        guard previousColumns == columns, previousRows == rows, previous.count == reference.count else { return }
        let limit = Int32(Self.threshold * Self.block * Self.block)
        let radius = Self.suppressionRadius
        for row in 0..<rows {
            for column in 0..<columns where abs(reference[row * columns + column] - previous[row * columns + column]) > limit {
                for y in max(0, row - radius)...min(rows - 1, row + radius) {
                    for x in max(0, column - radius)...min(columns - 1, column + radius) { suppressed[y * columns + x] = true }
                }
            }
        }
    }

    /// True when a block outside every given face box (grown) changed since the reference.
    mutating func changedOutside(_ image: GrayImage, tracked: [Box]) -> Bool {
        guard !reference.isEmpty else { return false }
        var columns = 0, rows = 0
        let sums = Self.blockSums(image, into: &current, columns: &columns, rows: &rows)
        guard columns == self.columns, rows == self.rows else { return true }
        let covered = tracked.map { box in
            let grow = box.width * 3 / 5
            return Box(x: box.x - grow, y: box.y - grow, width: box.width + 2 * grow, height: box.height + 2 * grow)
        }
        let limit = Int32(Self.threshold * Self.block * Self.block)
        for row in 0..<rows {
            for column in 0..<columns where !suppressed[row * columns + column]
                && abs(sums[row * columns + column] - reference[row * columns + column]) > limit {
                let x = column * Self.block, y = row * Self.block
                let inside = covered.contains { box in
                    x >= box.x && y >= box.y && x + Self.block <= box.x + box.width && y + Self.block <= box.y + box.height
                }
                if !inside { return true }
            }
        }
        return false
    }

    /// Pixel sums of the whole 16x16 blocks (the right and bottom remainders are ignored).
    private static func blockSums(_ image: GrayImage, into sums: inout [Int32], columns: inout Int, rows: inout Int) -> [Int32] {
        columns = image.width / block
        rows = image.height / block
        sums = [Int32](repeating: 0, count: columns * rows)
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<(rows * block) {
                let line = y * image.width
                let base = (y / block) * columns
                for column in 0..<columns {
                    var total: Int32 = 0
                    for x in (column * block)..<((column + 1) * block) { total &+= Int32(pixels[line + x]) }
                    sums[base + column] &+= total
                }
            }
        }
        return sums
    }
}
