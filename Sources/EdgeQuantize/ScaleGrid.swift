/// Quantization scales rounded up onto a coarse grid: 8 fraction bits of the binary significand,
/// so a scale moves up by less than 2^-8 (0.4 %) of itself. Two imports of the same network
/// (Keras and tf2onnx fold batch norms in different float orders) have weights and calibration
/// ranges that differ in their last bits (about 1e-7 relative); on this grid they give the same
/// scales, hence the same int8 weights, multipliers, zero points and biases, except when a value
/// lies within that noise of a grid point (about 1e-7 / 4e-3 per scale). Rounding up, not to
/// nearest, keeps every range inside its int8 codes: a weight at max |w| still maps to 127 at most.
public enum ScaleGrid {
    public static let fractionBits = 8

    /// The smallest grid value at or above `scale` (non-positive and non-finite values unchanged).
    public static func snapUp(_ scale: Float) -> Float {
        guard scale.isFinite, scale > 0 else { return scale }
        // unit = 2^(exponent - 8): scale / unit lies in [256, 512), exact for a power of two.
        let unit = Float(sign: .plus, exponent: scale.exponent - Self.fractionBits, significand: 1)
        return (scale / unit).rounded(.up) * unit
    }
}
