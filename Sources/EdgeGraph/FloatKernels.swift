import EdgeModel
import Foundation

/// Float reference kernels for every `Operation`, HWC activations, batch 1.
///
/// Contracts shared by all kernels:
/// - Window positions outside the input are skipped: for convolutions that equals zero padding,
///   max-pool never lets a padded position win (TensorFlow pads with -infinity) and average-pool
///   divides by the number of valid positions (TensorFlow's SAME average pool).
/// - Accumulation is in Float, in input-channel order per kernel tap; results differ from
///   TensorFlow's only by float summation order (observed < 1e-5 relative).
/// - The innermost loop runs over output channels with unit stride so that it vectorizes.
enum FloatKernels {
    struct Geometry {
        var input: TensorShape
        var output: TensorShape
        var window: Window

        /// Input rows (or columns) covered by output row `outputIndex`, clipped to the input.
        @inline(__always)
        func rows(_ outputRow: Int) -> Range<Int> {
            let start = outputRow * window.strideHeight - window.padding.top
            return max(start, 0)..<min(start + window.kernelHeight, input.height)
        }

        @inline(__always)
        func columns(_ outputColumn: Int) -> Range<Int> {
            let start = outputColumn * window.strideWidth - window.padding.left
            return max(start, 0)..<min(start + window.kernelWidth, input.width)
        }
    }

    /// `weights` is HWIO (`[kernelHeight][kernelWidth][inputChannels][outputChannels]`), the
    /// transpose of the graph's OHWI made once by `FloatExecutor`.
    static func conv2D(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ geometry: Geometry,
        weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, activation: FusedActivation
    ) {
        let inChannels = geometry.input.channels
        let outChannels = geometry.output.channels
        let kernelWidth = geometry.window.kernelWidth
        for oy in 0..<geometry.output.height {
            let rows = geometry.rows(oy)
            let ky0 = oy * geometry.window.strideHeight - geometry.window.padding.top
            for ox in 0..<geometry.output.width {
                let columns = geometry.columns(ox)
                let kx0 = ox * geometry.window.strideWidth - geometry.window.padding.left
                let accumulator = output + (oy * geometry.output.width + ox) * outChannels
                for o in 0..<outChannels { accumulator[o] = bias[o] }
                for iy in rows {
                    for ix in columns {
                        let pixel = input + (iy * geometry.input.width + ix) * inChannels
                        var tap = weights + ((iy - ky0) * kernelWidth + (ix - kx0)) * inChannels * outChannels
                        for i in 0..<inChannels {
                            let x = pixel[i]
                            for o in 0..<outChannels { accumulator[o] += x * tap[o] }
                            tap += outChannels
                        }
                    }
                }
                applyActivation(activation, accumulator, outChannels)
            }
        }
    }

    /// `weights` is the graph's HWC layout; output channel `c * multiplier + m` reads input channel `c`.
    static func depthwiseConv2D(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ geometry: Geometry,
        multiplier: Int, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, activation: FusedActivation
    ) {
        let inChannels = geometry.input.channels
        let outChannels = geometry.output.channels
        let kernelWidth = geometry.window.kernelWidth
        for oy in 0..<geometry.output.height {
            let rows = geometry.rows(oy)
            let ky0 = oy * geometry.window.strideHeight - geometry.window.padding.top
            for ox in 0..<geometry.output.width {
                let columns = geometry.columns(ox)
                let kx0 = ox * geometry.window.strideWidth - geometry.window.padding.left
                let accumulator = output + (oy * geometry.output.width + ox) * outChannels
                for o in 0..<outChannels { accumulator[o] = bias[o] }
                for iy in rows {
                    for ix in columns {
                        let pixel = input + (iy * geometry.input.width + ix) * inChannels
                        let tap = weights + ((iy - ky0) * kernelWidth + (ix - kx0)) * outChannels
                        if multiplier == 1 {
                            for c in 0..<outChannels { accumulator[c] += pixel[c] * tap[c] }
                        } else {
                            for c in 0..<outChannels { accumulator[c] += pixel[c / multiplier] * tap[c] }
                        }
                    }
                }
                applyActivation(activation, accumulator, outChannels)
            }
        }
    }

    /// `weights` is `[inputs][outputs]`, the transpose of the graph's `[outputs][inputs]`.
    static func dense(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, inputCount: Int, outputCount: Int,
        weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, activation: FusedActivation
    ) {
        for o in 0..<outputCount { output[o] = bias[o] }
        var row = weights
        for i in 0..<inputCount {
            let x = input[i]
            for o in 0..<outputCount { output[o] += x * row[o] }
            row += outputCount
        }
        applyActivation(activation, output, outputCount)
    }

    /// y = x * scale + shift per channel, with scale = gamma / sqrt(variance + epsilon) and
    /// shift = beta - mean * scale (Keras's own inference formula).
    static func scaleShift(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, pixels: Int, channels: Int,
        scale: UnsafePointer<Float>, shift: UnsafePointer<Float>
    ) {
        for p in 0..<pixels {
            let x = input + p * channels
            let y = output + p * channels
            for c in 0..<channels { y[c] = x[c] * scale[c] + shift[c] }
        }
    }

    static func activation(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int, _ activation: FusedActivation
    ) {
        output.update(from: input, count: count)
        applyActivation(activation, output, count)
    }

    static func maxPool(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ geometry: Geometry) {
        let channels = geometry.input.channels
        for oy in 0..<geometry.output.height {
            let rows = geometry.rows(oy)
            for ox in 0..<geometry.output.width {
                let columns = geometry.columns(ox)
                let result = output + (oy * geometry.output.width + ox) * channels
                for c in 0..<channels { result[c] = -Float.infinity }
                for iy in rows {
                    for ix in columns {
                        let pixel = input + (iy * geometry.input.width + ix) * channels
                        for c in 0..<channels { result[c] = max(result[c], pixel[c]) }
                    }
                }
            }
        }
    }

    static func averagePool(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ geometry: Geometry) {
        let channels = geometry.input.channels
        for oy in 0..<geometry.output.height {
            let rows = geometry.rows(oy)
            for ox in 0..<geometry.output.width {
                let columns = geometry.columns(ox)
                let result = output + (oy * geometry.output.width + ox) * channels
                for c in 0..<channels { result[c] = 0 }
                for iy in rows {
                    for ix in columns {
                        let pixel = input + (iy * geometry.input.width + ix) * channels
                        for c in 0..<channels { result[c] += pixel[c] }
                    }
                }
                let inverse = 1 / Float(rows.count * columns.count)
                for c in 0..<channels { result[c] *= inverse }
            }
        }
    }

    static func globalAveragePool(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, pixels: Int, channels: Int
    ) {
        for c in 0..<channels { output[c] = 0 }
        for p in 0..<pixels {
            let pixel = input + p * channels
            for c in 0..<channels { output[c] += pixel[c] }
        }
        let inverse = 1 / Float(pixels)
        for c in 0..<channels { output[c] *= inverse }
    }

    static func add(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int,
        activation: FusedActivation
    ) {
        for i in 0..<count { output[i] = a[i] + b[i] }
        applyActivation(activation, output, count)
    }

    /// Softmax over the channels of each pixel, max-subtracted so exp never overflows.
    static func softmax(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, pixels: Int, channels: Int) {
        for p in 0..<pixels {
            let x = input + p * channels
            let y = output + p * channels
            var largest = -Float.infinity
            for c in 0..<channels { largest = max(largest, x[c]) }
            var sum: Float = 0
            for c in 0..<channels {
                y[c] = Foundation.exp(x[c] - largest)
                sum += y[c]
            }
            let inverse = 1 / sum
            for c in 0..<channels { y[c] *= inverse }
        }
    }

    @inline(__always)
    static func applyActivation(_ activation: FusedActivation, _ values: UnsafeMutablePointer<Float>, _ count: Int) {
        switch activation {
        case .none: break
        case .relu: for i in 0..<count { values[i] = max(values[i], 0) }
        case .relu6: for i in 0..<count { values[i] = min(max(values[i], 0), 6) }
        }
    }
}
