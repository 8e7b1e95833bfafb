import Foundation

/// A positive real factor as the kernels apply it (`edge_requantize`):
/// real ~= multiplier * 2^-31 * 2^-shift with multiplier in [2^30, 2^31), shift in [-31, 31].
/// Factors below 2^-32 round to multiplier 0 (every result is 0 anyway after the rounding shift).
public struct FixedPointMultiplier: Equatable, Sendable {
    public var multiplier: Int32
    public var shift: Int32

    public init(multiplier: Int32, shift: Int32) {
        self.multiplier = multiplier
        self.shift = shift
    }

    public init(_ real: Double) throws(QuantizeError) {
        guard real.isFinite, real >= 0 else { throw QuantizeError("rescale factor \(real) is not a finite positive number") }
        guard real > 0 else {
            self.init(multiplier: 0, shift: 0)
            return
        }
        // real = fraction * 2^exponent, fraction in [0.5, 1)
        var exponent = real.exponent + 1
        var mantissa = (real.significand / 2 * 2_147_483_648).rounded()
        if mantissa == 2_147_483_648 {
            mantissa /= 2
            exponent += 1
        }
        let shift = -exponent
        guard shift >= -31 else { throw QuantizeError("rescale factor \(real) is too large for int8 requantization") }
        if shift > 31 {
            self.init(multiplier: 0, shift: 0)
        } else {
            self.init(multiplier: Int32(mantissa), shift: Int32(shift))
        }
    }

    public var real: Double { Double(multiplier) * pow(2, -31 - Double(shift)) }
}
