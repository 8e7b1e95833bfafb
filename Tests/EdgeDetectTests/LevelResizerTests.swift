@testable import EdgeDetect
import EdgeImage
import EdgeTestSupport
import Testing

/// The detectors' pyramid resize (`LevelResizer`: the Haar tables' C resize on `ExactBilinearResizer`'s taps) gives
/// exactly `GrayImage.resizedExactly` (checked against cv2 INTER_LINEAR_EXACT in EdgeImageTests), with every table
/// this CPU can run: on random images and sizes, for random row and column ranges, and on the levels of a 640x480
/// frame.
@Suite struct LevelResizerTests {
    private static func randomImage(_ random: inout SeededGenerator, width: Int, height: Int) throws -> GrayImage {
        let flat = random.chance(20) ? UInt8(random.next(in: 0...255)) : nil
        return try GrayImage(width: width, height: height,
                             pixels: (0..<width * height).map { _ in flat ?? UInt8(random.next(in: 0...255)) })
    }

    /// Rows `rows` x columns `columns` (nil: all) of `image` resized by `kernels`' level resize, packed.
    private static func levelRows(_ image: GrayImage, kernels: HaarKernels, resizer: LevelResizer? = nil, width: Int,
                                  height: Int, rows: Range<Int>, columns: Range<Int>? = nil) -> [UInt8] {
        let resizer = resizer ?? LevelResizer(kernels: kernels)
        var output = [UInt8](repeating: 0xA5, count: (columns?.count ?? width) * rows.count)
        image.pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                resizer.resize(source.baseAddress!, sourceWidth: image.width, sourceHeight: image.height, width: width,
                               height: height, rows: rows, columns: columns, into: destination.baseAddress!)
            }
        }
        return output
    }

    private static var tables: [HaarKernels] {
        get throws { try HaarKernels.supportedNames().map { try HaarKernels.select($0) } }
    }

    @Test func randomImagesRowsAndColumns() throws {
        var random = SeededGenerator(seed: 0x5EED_12)
        let tables = try Self.tables
        for _ in 0..<120 {
            let width = random.chance(10) ? 1 : random.next(in: 1...300)
            let height = random.chance(10) ? 1 : random.next(in: 1...60)
            let image = try Self.randomImage(&random, width: width, height: height)
            let newWidth = random.chance(10) ? 1 : random.next(in: 1...(2 * width + 3))
            let newHeight = random.chance(10) ? 1 : random.next(in: 1...(2 * height + 3))
            let expected = try image.resizedExactly(width: newWidth, height: newHeight).pixels
            let bounds = [random.next(in: 0...newHeight), random.next(in: 0...newHeight)].sorted()
            let rows = bounds[0]..<bounds[1]
            let sides = [random.next(in: 0...newWidth), random.next(in: 0...newWidth)].sorted()
            let columns = sides[0]..<sides[1]
            for kernels in tables {
                let whole = Self.levelRows(image, kernels: kernels, width: newWidth, height: newHeight, rows: 0..<newHeight)
                #expect(whole == expected, "\(kernels.name): \(width)x\(height) -> \(newWidth)x\(newHeight)")
                let part = Self.levelRows(image, kernels: kernels, width: newWidth, height: newHeight, rows: rows)
                #expect(part == Array(expected[(rows.lowerBound * newWidth)..<(rows.upperBound * newWidth)]),
                        "\(kernels.name): \(width)x\(height) -> \(newWidth)x\(newHeight), rows \(rows)")
                let block = Self.levelRows(image, kernels: kernels, width: newWidth, height: newHeight, rows: rows,
                                           columns: columns)
                let expectedBlock = rows.flatMap { row in expected[(row * newWidth + columns.lowerBound)..<(row * newWidth + columns.upperBound)] }
                #expect(block == expectedBlock,
                        "\(kernels.name): \(width)x\(height) -> \(newWidth)x\(newHeight), rows \(rows), columns \(columns)")
            }
        }
    }

    /// Every level FaceDetector makes of a 640x480 frame at scale factors 1.1 and 1.2, one resizer reused over the
    /// levels and two frames (its taps are kept per size pair).
    @Test(arguments: [1.1, 1.2])
    func pyramidLevelsOf640x480(scaleFactor: Double) throws {
        let detector = FaceDetector(cascade: try HaarCascade(contentsOfFile: TestFiles.cascadeBinary))
        let levels = detector.levels(imageWidth: 640, imageHeight: 480,
                                     parameters: DetectionParameters(scaleFactor: scaleFactor,
                                                                     minSize: WindowSize(width: 0, height: 0)))
        #expect(levels.count > 10)
        var random = SeededGenerator(seed: 640_480)
        for kernels in try Self.tables {
            let resizer = LevelResizer(kernels: kernels)
            for _ in 0..<2 {
                let frame = try Self.randomImage(&random, width: 640, height: 480)
                for level in levels where level.width != 640 {
                    let expected = try frame.resizedExactly(width: level.width, height: level.height).pixels
                    let got = Self.levelRows(frame, kernels: kernels, resizer: resizer, width: level.width,
                                             height: level.height, rows: 0..<level.height)
                    #expect(got == expected, "\(kernels.name): 640x480 -> \(level.width)x\(level.height)")
                }
            }
        }
    }
}
