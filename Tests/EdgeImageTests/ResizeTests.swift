import EdgeImage
import Testing

@Suite struct ResizeTests {
    /// cv2.resize(INTER_LINEAR) outputs recorded by tools/make-image-fixtures: up, down, exact 2x,
    /// anisotropic and 1x1 targets must match bit for bit.
    @Test(arguments: [
        ("48x48", 64, 64), ("48x48", 24, 24), ("48x48", 30, 30), ("48x48", 100, 17),
        ("37x29", 64, 64), ("37x29", 18, 14), ("37x29", 20, 15), ("37x29", 74, 58), ("37x29", 13, 50),
        ("37x29", 1, 1), ("90x40", 45, 20), ("90x40", 81, 36), ("90x40", 33, 15), ("90x40", 200, 90),
    ])
    func matchesOpenCV(source: String, width: Int, height: Int) throws {
        let image = try GrayImage(contentsOfFile: FixtureFiles.path("resize-source-\(source).pgm"))
        let expected = try GrayImage(contentsOfFile: FixtureFiles.path("resize-\(source)-to-\(width)x\(height).pgm"))
        let resized = try image.resized(width: width, height: height)
        #expect(resized.width == width && resized.height == height)
        let differing = zip(resized.pixels, expected.pixels).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) of \(width * height) pixels differ from cv2.resize")
    }

    /// cv2.resize(INTER_LINEAR_EXACT) outputs: the resize OpenCV's cascade pyramid uses.
    @Test(arguments: [
        ("48x48", 64, 64), ("48x48", 24, 24), ("48x48", 30, 30), ("48x48", 100, 17),
        ("37x29", 64, 64), ("37x29", 18, 14), ("37x29", 20, 15), ("37x29", 74, 58), ("37x29", 13, 50),
        ("37x29", 1, 1), ("90x40", 45, 20), ("90x40", 81, 36), ("90x40", 33, 15), ("90x40", 200, 90),
    ])
    func exactMatchesOpenCV(source: String, width: Int, height: Int) throws {
        let image = try GrayImage(contentsOfFile: FixtureFiles.path("resize-source-\(source).pgm"))
        let expected = try GrayImage(contentsOfFile: FixtureFiles.path("exact-\(source)-to-\(width)x\(height).pgm"))
        let resized = try image.resizedExactly(width: width, height: height)
        let differing = zip(resized.pixels, expected.pixels).filter { $0 != $1 }.count
        #expect(resized.width == width && resized.height == height && differing == 0,
                "\(differing) of \(width * height) pixels differ from cv2.resize INTER_LINEAR_EXACT")
    }

    @Test func constantImageStaysConstant() throws {
        let image = try GrayImage(width: 13, height: 7, filledWith: 201)
        let resized = try image.resized(width: 40, height: 3)
        #expect(resized.pixels.allSatisfy { $0 == 201 })
    }

    @Test func emptyTargetIsRefused() throws {
        let image = try GrayImage(width: 4, height: 4)
        #expect(throws: ImageError.self) { try image.resized(width: 0, height: 4) }
    }
}
