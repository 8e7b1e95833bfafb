/// Test-time augmentation: the looks at one face whose class probabilities the classifier averages.
/// Every set starts with the plain crop, so `none` is exactly the single-pass result.
public enum TestTimeAugmentation: String, CaseIterable, Sendable {
    /// The crop alone (one pass).
    case none
    /// The crop and its mirror image (two passes).
    case flip
    /// The crop window in five places (as is, and moved one shift step left, right, up and down), each
    /// seen as it is and mirrored (ten passes). (The six views without the shifted mirrors reached
    /// 0.6698 quantized top-1 on PublicTest, short of 0.67; the ten reach 0.6743: README.)
    case flipShift = "flip-shift"

    public var name: String { rawValue }

    /// `none, flip, flip-shift`: for help texts and error messages.
    public static var namesList: String { allCases.map(\.name).joined(separator: ", ") }

    public var views: [AugmentedView] {
        switch self {
        case .none: [AugmentedView()]
        case .flip: [AugmentedView(), AugmentedView(mirrored: true)]
        case .flipShift:
            [AugmentedView(), AugmentedView(mirrored: true),
             AugmentedView(shiftX: -1), AugmentedView(shiftX: 1), AugmentedView(shiftY: -1), AugmentedView(shiftY: 1),
             AugmentedView(mirrored: true, shiftX: -1), AugmentedView(mirrored: true, shiftX: 1),
             AugmentedView(mirrored: true, shiftY: -1), AugmentedView(mirrored: true, shiftY: 1)]
        }
    }

    /// Classifier passes per face.
    public var passes: Int { views.count }
}

/// One look at a face: the crop window moved by whole shift steps and/or mirrored left to right.
public struct AugmentedView: Sendable, Equatable {
    public var mirrored: Bool
    /// Shift of the crop window in steps (see `shiftPixels`); +x moves the window right, +y down.
    public var shiftX: Int
    public var shiftY: Int

    public init(mirrored: Bool = false, shiftX: Int = 0, shiftY: Int = 0) {
        self.mirrored = mirrored
        self.shiftX = shiftX
        self.shiftY = shiftY
    }

    /// One shift step is this fraction of the crop window's side: 2 pixels of a 48x48 FER2013 face, about 2.7
    /// pixels of the 64x64 model input.
    public static let shiftStepFraction = 1.0 / 24

    /// The window's shift in its own pixels: steps x round(side / 24), at least one pixel per step.
    public func shiftPixels(windowWidth: Int, windowHeight: Int) -> (x: Int, y: Int) {
        func step(_ side: Int) -> Int { max(1, Int((Double(side) * Self.shiftStepFraction).rounded())) }
        return (shiftX * step(windowWidth), shiftY * step(windowHeight))
    }
}

extension GrayImage {
    /// The image resized (OpenCV INTER_LINEAR, see `resized(width:height:)`) as seen by `view`: the source
    /// window shifted (edge pixels repeated beyond the image) and the result mirrored, both done by the
    /// resizer itself. The plain view is exactly `resized(width:height:)`.
    public func resized(width newWidth: Int, height newHeight: Int, view: AugmentedView) throws -> GrayImage {
        let shift = view.shiftPixels(windowWidth: width, windowHeight: height)
        if !view.mirrored && shift == (0, 0) { return try resized(width: newWidth, height: newHeight) }
        guard ImageLimits.accepts(width: newWidth, height: newHeight) else {
            throw ImageError.badDimensions(path: "<resize target>", width: newWidth, height: newHeight)
        }
        var resizer = BilinearResizer(sourceWidth: width, sourceHeight: height,
                                      destinationWidth: newWidth, destinationHeight: newHeight, sourceShift: shift)
        return GrayImage(uncheckedWidth: newWidth, height: newHeight,
                         pixels: resizer.resized(pixels, mirrored: view.mirrored))
    }
}
