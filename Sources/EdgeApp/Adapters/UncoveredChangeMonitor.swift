import EdgeDetect
import EdgeImage

/// Finds where the frame changed since a scan last looked there, outside the faces found in the current frame, so that
/// `TrackingHaarFaceDetector` can look at just those places (a small region scan) instead of waiting for the next full
/// scan: a face coming into view, coming out from behind another one, or turning towards the camera.
/// - Measure: 16x16-pixel block sums (the right and bottom remainders are ignored); a block changed when its mean moved
///   by more than `threshold` grey levels since it was last looked at. One pass over the frame (a few hundred
///   microseconds at 640x480).
/// - Looked at: every block at a full scan (`setReference`); in every frame the blocks inside the faces found in it,
///   each box grown by `faceGrow` of its width on every side (head, hair, shoulders: they move with the face, and the
///   tracked region scans look there); the blocks of the areas the caller scanned (`looked(at:)`). So something that
///   keeps moving and is no face (a body, a face turned away) costs a small region scan of its newly changed blocks
///   at most every `rescanFrames` frames, not a full scan; a face coming out from behind a moving one is in such an
///   area within `rescanFrames` frames of becoming visible.
/// - Areas: changed blocks at most `areaGap` blocks apart are one area (its bounding box in frame pixels).
struct UncoveredChangeMonitor {
    static let block = 16  // `blockSums` reads a block row as one SIMD16
    static let threshold = 6
    /// Each face box is grown by this times its width on every side (head, hair and what moves with them).
    static let faceGrow = 0.8
    /// Changed blocks at most this many blocks apart are one area.
    static let areaGap = 3
    /// A block is scanned again for a change at most every this many frames (something moving that is no face).
    static let rescanFrames = 2

    /// A changed area: its bounding box in frame pixels and how many changed blocks it holds.
    struct Area: Equatable {
        var box: Box
        var blocks: Int
    }

    private var reference: [Int32] = []
    private var current: [Int32] = []
    /// Per block: the frame (count of `changedAreas` calls) its area was last scanned (`rescanFrames`).
    private var scanned: [Int] = []
    private var frame = 0
    private(set) var columns = 0, rows = 0

    /// A full scan looks at this frame: every block is looked at.
    mutating func setReference(_ image: GrayImage) {
        Self.blockSums(image, into: &current, columns: &columns, rows: &rows)
        reference = current
        scanned = [Int](repeating: Int.min / 2, count: current.count)
    }

    /// The changed areas outside the given face boxes (grown); the blocks inside them count as looked at. nil when
    /// there is no reference of this frame size (the caller scans the whole frame).
    mutating func changedAreas(_ image: GrayImage, faces: [Box]) -> [Area]? {
        guard !reference.isEmpty else { return nil }
        var columns = 0, rows = 0
        Self.blockSums(image, into: &current, columns: &columns, rows: &rows)
        guard columns == self.columns, rows == self.rows else { return nil }
        frame += 1
        let limit = Int32(Self.threshold * Self.block * Self.block)
        var changed = [Bool](repeating: false, count: columns * rows)
        for box in faces {
            let grow = Int(Double(box.width) * Self.faceGrow)
            let outer = Box(x: box.x - grow, y: box.y - grow, width: box.width + 2 * grow, height: box.height + 2 * grow)
            forEachBlock(inside: outer) { reference[$0] = current[$0] }
        }
        for index in changed.indices
        where abs(current[index] - reference[index]) > limit && frame - scanned[index] >= Self.rescanFrames {
            changed[index] = true
        }
        // Areas: flood fill over changed blocks, at most `areaGap` blocks apart.
        var areas: [Area] = []
        var seen = [Bool](repeating: false, count: columns * rows)
        for start in changed.indices where changed[start] && !seen[start] {
            var stack = [start]
            seen[start] = true
            var left = columns, top = rows, right = -1, bottom = -1, count = 0
            while let index = stack.popLast() {
                let column = index % columns, row = index / columns
                left = min(left, column); right = max(right, column)
                top = min(top, row); bottom = max(bottom, row)
                count += 1
                let reach = Self.areaGap + 1
                for y in max(0, row - reach)...min(rows - 1, row + reach) {
                    for x in max(0, column - reach)...min(columns - 1, column + reach)
                    where changed[y * columns + x] && !seen[y * columns + x] {
                        seen[y * columns + x] = true
                        stack.append(y * columns + x)
                    }
                }
            }
            areas.append(Area(box: Box(x: left * Self.block, y: top * Self.block, width: (right - left + 1) * Self.block,
                                       height: (bottom - top + 1) * Self.block), blocks: count))
        }
        return areas
    }

    /// The caller scanned these areas of the frame last given to `changedAreas`: their blocks are looked at.
    mutating func looked(at areas: [Box]) {
        for area in areas { forEachBlock(inside: area) { reference[$0] = current[$0]; scanned[$0] = frame } }
    }

    /// Calls `body` with the index of every block lying wholly inside `box`.
    private func forEachBlock(inside box: Box, _ body: (Int) -> Void) {
        let block = Self.block
        let firstColumn = max(0, (box.x + block - 1) / block), lastColumn = min(columns, (box.x + box.width) / block)
        let firstRow = max(0, (box.y + block - 1) / block), lastRow = min(rows, (box.y + box.height) / block)
        guard firstColumn < lastColumn, firstRow < lastRow else { return }
        for row in firstRow..<lastRow {
            for column in firstColumn..<lastColumn { body(row * columns + column) }
        }
    }

    /// Pixel sums of the whole 16x16 blocks (the right and bottom remainders are ignored).
    private static func blockSums(_ image: GrayImage, into sums: inout [Int32], columns: inout Int, rows: inout Int) {
        columns = image.width / block
        rows = image.height / block
        sums = [Int32](repeating: 0, count: columns * rows)
        image.pixels.withUnsafeBytes { pixels in
            sums.withUnsafeMutableBufferPointer { sums in
                for y in 0..<(rows * block) {
                    let line = y * image.width
                    let base = (y / block) * columns
                    for column in 0..<columns {
                        // 16 pixels at once: a block row sums to at most 16 * 255, well inside 16 bits.
                        let row = pixels.loadUnaligned(fromByteOffset: line + column * block, as: SIMD16<UInt8>.self)
                        sums[base + column] &+= Int32(SIMD16<UInt16>(truncatingIfNeeded: row).wrappedSum())
                    }
                }
            }
        }
    }
}
