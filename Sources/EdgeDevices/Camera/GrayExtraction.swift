/// Takes the luma (gray) plane out of a captured buffer straight into the consumer's buffer: one pass,
/// no intermediate copy of the whole frame.
enum GrayExtraction {
    /// - Returns: false when `source` is too short for the negotiated format (a truncated frame) or `gray`
    ///   is smaller than width x height.
    static func extract(from source: UnsafeRawBufferPointer, format: NegotiatedFormat,
                        into gray: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let width = format.width, height = format.height, line = format.bytesPerLine
        let bytesPerPixel = format.pixelFormat == .yuyv ? 2 : 1
        // The last row needs only width * bytesPerPixel bytes, not a whole line.
        guard height > 0, gray.count >= width * height, source.count >= (height - 1) * line + width * bytesPerPixel,
              let sourceBase = source.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let destination = gray.baseAddress else { return false }
        if bytesPerPixel == 1 {
            // GREY, and YU12 whose first plane is Y at `line` bytes per row.
            for row in 0..<height {
                (destination + row * width).update(from: sourceBase + row * line, count: width)
            }
        } else {
            // YUYV: Y0 U Y1 V; luma is every even byte.
            for row in 0..<height {
                let sourceRow = sourceBase + row * line
                let destinationRow = destination + row * width
                for column in 0..<width { destinationRow[column] = sourceRow[2 * column] }
            }
        }
        return true
    }
}
