import CEdgeKernels

/// The per-channel requantization of one layer as `edge_requant_params` carries it; the int8
/// (`Quantization`) and int16-activation (`Quantization16`) equivalence tests draw it differently
/// and run kernels on it the same way.
protocol LayerRequantization {
    var multiplier: [Int32] { get }
    var shift: [Int32] { get }
    var bias: [Int32] { get }
    var inputZeroPoint: Int32 { get }
    var outputZeroPoint: Int32 { get }
    var activationMin: Int32 { get }
    var activationMax: Int32 { get }
}

extension LayerRequantization {
    /// Runs `kernel` with this requantization on a fresh output of `window.outputCount` elements,
    /// each first set to 0x5A bytes so that an element the kernel forgets shows as a mismatch.
    func run<Element: FixedWidthInteger>(
        _ window: Window,
        _ kernel: (UnsafePointer<edge_window_params>, UnsafePointer<edge_requant_params>, UnsafePointer<Int32>,
                   UnsafeMutablePointer<Element>) -> Void
    ) -> [Element] {
        var output = [Element](repeating: Element(truncatingIfNeeded: 0x5A5A_5A5A), count: window.outputCount)
        var params = window.params
        multiplier.withUnsafeBufferPointer { m in
            shift.withUnsafeBufferPointer { s in
                var rq = edge_requant_params(input_zero_point: inputZeroPoint, output_zero_point: outputZeroPoint,
                                             activation_min: activationMin, activation_max: activationMax,
                                             multiplier: m.baseAddress, shift: s.baseAddress)
                bias.withUnsafeBufferPointer { b in
                    output.withUnsafeMutableBufferPointer { out in kernel(&params, &rq, b.baseAddress!, out.baseAddress!) }
                }
            }
        }
        return output
    }
}
