import CEdgeKernels
import Testing

@Suite struct RequantizeTests {
    /// Double rounding: the high multiply rounds once (error <= 1/2 of 2^-shift steps), the shift
    /// rounds again, so the result is within 1/2 + 1/2^(shift+1) of the exact product.
    @Test func matchesTheRealScaleWithinTheDoubleRoundingBound() {
        // multiplier 2^30 * 1.5 with shift 3 is 1.5 / 2 / 8 = 0.09375.
        let multiplier = Int32(1 << 30) + Int32(1 << 29)
        for acc in stride(from: Int32(-100_000), through: 100_000, by: 997) {
            let exact = Double(acc) * 0.09375
            let got = edge_requantize(acc, multiplier, 3)
            #expect(abs(Double(got) - exact) <= 0.5 + 0.5 / 8 + 1e-9)
        }
        #expect(edge_sqrdmulh(Int32.min, Int32.min) == Int32.max)
        #expect(edge_rounding_shift_right(-3, 1) == -1)  // -1.5 rounds toward +infinity
        #expect(edge_rounding_shift_right(3, 1) == 2)
    }
}
