import EdgeImage
import Foundation
import Testing
@testable import EdgeApp

struct OpenCVFixture: Decodable {
    struct Resize: Decodable {
        var width: Int, height: Int, seed: Int, toWidth: Int, toHeight: Int, output: String
    }
    struct Crop: Decodable {
        var box: [Int]
        var output: String
    }
    struct FerCrop: Decodable {
        var width: Int, height: Int, seed: Int, crops: [Crop]
    }
    var resize: [Resize]
    var fer_crop: FerCrop

    static func load() throws -> OpenCVFixture {
        let url = try #require(Bundle.module.url(forResource: "opencv_resize_and_fer_crop", withExtension: "json",
                                                 subdirectory: "Fixtures"))
        return try JSONDecoder().decode(OpenCVFixture.self, from: Data(contentsOf: url))
    }

    /// The generator in make_opencv_fixture.py.
    static func pattern(width: Int, height: Int, seed: Int) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width { pixels[y * width + x] = UInt8((x * 31 + y * 17 + x * y * seed + seed * 7) % 256) }
        }
        return pixels
    }
}

@Suite struct GeometryAndCropTests {
    @Test func intersectionOverUnion() {
        let a = FaceBox(x: 0, y: 0, width: 10, height: 10)
        #expect(a.intersectionOverUnion(a) == 1)
        #expect(a.intersectionOverUnion(FaceBox(x: 5, y: 0, width: 10, height: 10)) == 50.0 / 150.0)
        #expect(a.intersectionOverUnion(FaceBox(x: 10, y: 0, width: 10, height: 10)) == 0)
        #expect(a.intersectionOverUnion(FaceBox(x: 0, y: 0, width: 0, height: 0)) == 0)
    }

    /// `BilinearResizer` (the crop's resize) against cv2.resize INTER_LINEAR: bit for bit, down and up.
    @Test func resizeMatchesOpenCV() throws {
        for item in try OpenCVFixture.load().resize {
            let source = OpenCVFixture.pattern(width: item.width, height: item.height, seed: item.seed)
            var resizer = BilinearResizer(sourceWidth: item.width, sourceHeight: item.height,
                                          destinationWidth: item.toWidth, destinationHeight: item.toHeight)
            let ours = resizer.resized(source)
            let expected = [UInt8](try #require(Data(base64Encoded: item.output)))
            let differing = zip(ours, expected).filter { $0 != $1 }.count
            #expect(ours.count == expected.count && differing == 0,
                    "\(item.width)x\(item.height) -> \(item.toWidth)x\(item.toHeight): \(differing) pixels differ")
        }
    }

    @Test func cropMatchesFerBitForBit() throws {
        let fixture = try OpenCVFixture.load().fer_crop
        let frame = GrayFrame(width: fixture.width, height: fixture.height,
                              pixels: OpenCVFixture.pattern(width: fixture.width, height: fixture.height, seed: fixture.seed),
                              index: 0, timestamp: 0)
        for item in fixture.crops {
            let box = FaceBox(x: item.box[0], y: item.box[1], width: item.box[2], height: item.box[3])
            let ours = try #require(FerFaceCrop().crop(frame, box: box))
            let expected = [UInt8](try #require(Data(base64Encoded: item.output)))
            let differing = zip(ours, expected).filter { $0 != $1 }.count
            #expect(ours.count == 64 * 64)
            #expect(differing == 0, "box \(box): \(differing) pixels differ")
        }
    }

    @Test func widenedBoxIsSquareAndOffset() {
        let crop = FerFaceCrop()
        #expect(crop.widenedBox(for: FaceBox(x: 100, y: 50, width: 40, height: 60)) == FaceBox(x: 80, y: 40, width: 80, height: 80))
        #expect(crop.widenedBox(for: FaceBox(x: 100, y: 50, width: 61, height: 40)) == FaceBox(x: 90, y: 30, width: 81, height: 81))
    }

    @Test func boxOutsideThePaddedFrameGivesNoCrop() {
        let frame = GrayFrame(width: 50, height: 40, pixels: [UInt8](repeating: 9, count: 2000), index: 0, timestamp: 0)
        #expect(FerFaceCrop().crop(frame, box: FaceBox(x: 500, y: 500, width: 30, height: 30)) == nil)
        #expect(FerFaceCrop().crop(frame, box: FaceBox(x: 45, y: 35, width: 30, height: 30))?.count == 64 * 64)
    }

    /// Test-time augmentation's views: the plain one is `crop`, the mirror is it with rows reversed (for
    /// both the resize and the exact-halving path), a shift moves the box by round(window side / 24).
    @Test(arguments: [FaceBox(x: 60, y: 40, width: 70, height: 70), FaceBox(x: 54, y: 30, width: 108, height: 108)])
    func augmentedCropsAreViewsOfTheFrame(box: FaceBox) throws {
        let frame = GrayFrame(width: 240, height: 200, pixels: OpenCVFixture.pattern(width: 240, height: 200, seed: 3),
                              index: 0, timestamp: 0)
        let crop = FerFaceCrop()
        let views = TestTimeAugmentation.flipShift.views
        let crops = try #require(crop.crops(frame, box: box, views: views))
        let plain = try #require(crop.crop(frame, box: box))
        #expect(crops.count == 10 && crops[0] == plain)
        for row in 0..<64 {
            #expect(Array(crops[1][row * 64..<(row + 1) * 64]) == Array(plain[row * 64..<(row + 1) * 64].reversed()))
        }
        let step = Int((Double(crop.widenedBox(for: box).width) / 24).rounded())
        let right = try #require(crop.crop(frame, box: FaceBox(x: box.x + step, y: box.y, width: box.width, height: box.height)))
        #expect(crops[3] == right && crops[3] != plain)
        let rightMirrored = try #require(crop.crop(frame, box: FaceBox(x: box.x + step, y: box.y, width: box.width, height: box.height),
                                                   mirrored: true))
        #expect(crops[7] == rightMirrored)
    }
}
