import Testing
@testable import EdgeOverlay

@Suite struct OverlayTests {
    @Test func fitKeepsAspectAndCentres() {
        let wide = Placement.fitting(sourceWidth: 640, sourceHeight: 480, into: 1920, 1080)
        #expect(wide == Placement(x: 240, y: 0, width: 1440, height: 1080, sourceWidth: 640, sourceHeight: 480))
        let tall = Placement.fitting(sourceWidth: 640, sourceHeight: 480, into: 800, 1280)
        #expect(tall.width == 800 && tall.height == 600 && tall.y == 340)
        #expect(wide.map(x: 320, y: 240, width: 64, height: 48) == (x: 240 + 720, y: 540, width: 144, height: 108))
    }

    @Test func grayIsScaledIntoTheCanvas() {
        var image = XRGBImage(width: 8, height: 4, fill: XRGBColor(red: 9, green: 9, blue: 9))
        let gray: [UInt8] = [10, 200, 30, 40]   // 2x2
        image.draw { canvas in
            gray.withUnsafeBufferPointer { _ = canvas.drawGray($0, width: 2, height: 2) }
        }
        // 2x2 into 8x4 fits as 4x4 at x = 2; left and right margins untouched.
        #expect(image[0, 0] == XRGBColor(red: 9, green: 9, blue: 9))
        #expect(image[2, 0] == XRGBColor(gray: 10))
        #expect(image[5, 0] == XRGBColor(gray: 200))
        #expect(image[3, 3] == XRGBColor(gray: 30))
        #expect(image[5, 3] == XRGBColor(gray: 40))
        #expect(image[7, 3] == XRGBColor(red: 9, green: 9, blue: 9))
    }

    @Test func textUsesTheBitmapFontAndClips() {
        var image = XRGBImage(width: 12, height: 7)
        image.draw { $0.drawText("T1", x: 0, y: 0, scale: 1, .white) }
        // 'T': full top row, then the middle column only.
        #expect((0..<5).allSatisfy { image[$0, 0] == .white })
        #expect(image[2, 6] == .white && image[0, 6] == .black)
        // '1' starts at x = 6: its bottom row is 01110.
        #expect(image[7, 6] == .white && image[6, 6] == .black)
        // Partly off-canvas drawing clips instead of crashing.
        image.draw { $0.drawText("WIDE TEXT", x: 8, y: -3, scale: 3, .white) }
        image.draw { $0.strokeRectangle(x: -5, y: -5, width: 40, height: 40, thickness: 2, .white) }
    }

    @Test func faceBoxAndLabelUseTheEmotionColour() {
        var image = XRGBImage(width: 640, height: 480)
        let frame = [UInt8](repeating: 100, count: 320 * 240)
        let face = OverlayFace(x: 50, y: 40, width: 100, height: 100, label: "happy 90%", emotionIndex: 3)
        image.draw { canvas in
            frame.withUnsafeBufferPointer {
                FrameOverlay.draw(on: canvas, gray: $0, width: 320, height: 240, faces: [face], status: "12 FPS")
            }
        }
        let happy = EmotionPalette.color(label: "happy")
        #expect(happy == EmotionPalette.color(emotionIndex: 3))
        #expect(image[100, 80] == happy)        // box top-left corner, frame scaled x2
        #expect(image[200, 200] == XRGBColor(gray: 100))   // inside the box: the frame
        let labelPixels = (280..<300).flatMap { y in (100..<220).map { x in image[x, y] } }.filter { $0 == happy }
        #expect(labelPixels.count > 20)
        #expect(Set(EmotionPalette.labels.map { EmotionPalette.color(label: $0) }).count == 7)
    }

    @Test func testPatternBarsAndRampArePredictable() {
        var image = XRGBImage(width: 700, height: 300)
        image.draw { TestPattern.draw(on: $0) }
        for bar in 0..<7 { #expect(image[bar * 100 + 50, 150] == TestPattern.barColors[bar]) }
        for step in 0..<8 {
            #expect(image[(2 * step + 1) * 700 / 16, 280] == XRGBColor(gray: TestPattern.rampLevel(step)))
        }
    }
}
