import EdgeImage
import Testing

@Suite struct AugmentedViewTests {
    private func randomImage(width: Int, height: Int, seed: UInt64) throws -> GrayImage {
        var state = seed
        let pixels = (0..<width * height).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        return try GrayImage(width: width, height: height, pixels: pixels)
    }

    /// The plain view is the plain resize; the mirrored view is it with every row reversed.
    @Test func mirrorIsTheReversedResize() throws {
        let image = try randomImage(width: 48, height: 48, seed: 5)
        let plain = try image.resized(width: 64, height: 64)
        #expect(try image.resized(width: 64, height: 64, view: AugmentedView()) == plain)
        let mirrored = try image.resized(width: 64, height: 64, view: AugmentedView(mirrored: true))
        for row in 0..<64 {
            let expected = Array(plain.pixels[row * 64..<(row + 1) * 64].reversed())
            #expect(Array(mirrored.pixels[row * 64..<(row + 1) * 64]) == expected, "row \(row)")
        }
    }

    /// At the same size the resize is the identity, so a shifted view reads pixel x + shift (the edge
    /// pixel repeated beyond the image): the direction, the step (round(side / 24)) and the clamping.
    @Test(arguments: [(1, 0), (-1, 0), (0, 1), (0, -1), (2, -1)])
    func shiftMovesTheWindow(stepsX: Int, stepsY: Int) throws {
        let image = try randomImage(width: 48, height: 72, seed: 9)
        let view = AugmentedView(shiftX: stepsX, shiftY: stepsY)
        let shift = view.shiftPixels(windowWidth: 48, windowHeight: 72)
        #expect(shift == (2 * stepsX, 3 * stepsY))
        let shifted = try image.resized(width: 48, height: 72, view: view)
        for y in 0..<72 {
            for x in 0..<48 {
                let sourceX = min(max(x + shift.x, 0), 47), sourceY = min(max(y + shift.y, 0), 71)
                #expect(shifted.pixels[y * 48 + x] == image.pixels[sourceY * 48 + sourceX], "pixel \(x),\(y)")
            }
        }
    }

    @Test func setsStartWithThePlainCrop() {
        #expect(TestTimeAugmentation.none.passes == 1 && TestTimeAugmentation.flip.passes == 2
                && TestTimeAugmentation.flipShift.passes == 10)
        for set in TestTimeAugmentation.allCases { #expect(set.views.first == AugmentedView()) }
        #expect(TestTimeAugmentation(rawValue: "flip-shift") == .flipShift)
    }
}
