import ArgumentParser
import EdgeDetect
import EdgeImage
import EdgeTestSupport
import Foundation

/// `edge-bench track-clip`: synthesizes the gray 640x480 YUV4MPEG2 clip of tools/bench-track: faces cut from photos
/// (the largest face the detector finds in each, with a margin) move over a face-less background photo, bouncing
/// off the frame edges; the first face is there from the start, the others appear and leave at random frames.
/// Same seed and inputs, same clip.
struct TrackClipCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track-clip", abstract: "Synthesize a moving-faces test clip (gray YUV4MPEG2) for bench-track.")

    @Option(help: "Cascade used to find the face in each photo.") var cascade = "models/face_frontal.edgecascade"
    @Option(help: "Background photo (no faces), resized to the clip size.") var background: String
    @Option(help: "Output .y4m file.") var output: String
    @Option(help: "Random seed (positions, speeds, sizes, appearance times).") var seed: UInt64 = 1
    @Option(help: "Frames.") var frames = 600
    @Option(help: "Frames per second (header).") var fps = 30
    @Argument(help: "Photos with a face (PNG/JPEG); one moving face per photo.") var photos: [String]

    static let width = 640, height = 480

    struct Actor {
        var sprite: GrayImage
        var x: Double, y: Double, dx: Double, dy: Double
        var appear: Int, leave: Int
    }

    func run() throws {
        var random = SeededGenerator(seed: seed)
        let detector = FaceDetector(cascade: try loadCascade(cascade))
        let backdrop = try GrayImage(contentsOfFile: background).resizedExactly(width: Self.width, height: Self.height)
        var actors: [Actor] = []
        for (index, photo) in photos.enumerated() {
            let image = try GrayImage(contentsOfFile: photo)
            let faces = try detector.detect(image, parameters: DetectionParameters(scaleFactor: 1.1, minNeighbors: 5,
                                                                                  minSize: WindowSize(width: 40, height: 40)))
            guard let face = faces.max(by: { $0.box.area < $1.box.area })?.box else {
                FileHandle.standardError.write(Data("track-clip: no face found in \(photo); skipped\n".utf8))
                continue
            }
            // The face with half its size around it, scaled so the face is 70...140 px wide.
            let grow = face.width / 2
            let left = max(0, face.x - grow), top = max(0, face.y - grow)
            let right = min(image.width, face.x + face.width + grow), bottom = min(image.height, face.y + face.height + grow)
            var patch = [UInt8]()
            for row in top..<bottom { patch += image.pixels[(row * image.width + left)..<(row * image.width + right)] }
            let scale = Double(70 + random.below(71)) / Double(face.width)
            let sprite = try GrayImage(width: right - left, height: bottom - top, pixels: patch).resizedExactly(
                width: max(1, Int(Double(right - left) * scale)), height: max(1, Int(Double(bottom - top) * scale)))
            guard sprite.width < Self.width, sprite.height < Self.height else { continue }
            // The first face stays all along; the others come in after 10...40 % of the clip and stay 40...70 % of it.
            let appear = index == 0 ? 0 : frames * (10 + random.below(31)) / 100
            let leave = index == 0 ? frames : min(frames, appear + frames * (40 + random.below(31)) / 100)
            func speed() -> Double { Double(random.below(5) + 1) * (random.below(2) == 0 ? -0.5 : 0.5) }
            actors.append(Actor(sprite: sprite, x: Double(random.below(Self.width - sprite.width)),
                                y: Double(random.below(Self.height - sprite.height)), dx: speed(), dy: speed(),
                                appear: appear, leave: leave))
        }
        guard !actors.isEmpty else { throw ValidationError("no face found in any of the photos") }
        FileManager.default.createFile(atPath: output, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: output) else { throw ValidationError("cannot write \(output)") }
        defer { try? handle.close() }
        handle.write(Data("YUV4MPEG2 W\(Self.width) H\(Self.height) F\(fps):1 Ip A1:1 Cmono\n".utf8))
        for frame in 0..<frames {
            var pixels = backdrop.pixels
            for index in actors.indices {
                let actor = actors[index]
                if frame >= actor.appear && frame < actor.leave {
                    let ox = Int(actor.x), oy = Int(actor.y)
                    for row in 0..<actor.sprite.height {
                        let source = row * actor.sprite.width
                        let target = (oy + row) * Self.width + ox
                        pixels.replaceSubrange(target..<(target + actor.sprite.width),
                                               with: actor.sprite.pixels[source..<(source + actor.sprite.width)])
                    }
                }
                actors[index].move(width: Self.width, height: Self.height)
            }
            handle.write(Data("FRAME\n".utf8) + Data(pixels))
        }
    }
}

extension TrackClipCommand.Actor {
    /// One frame of motion, bouncing off the frame edges.
    mutating func move(width: Int, height: Int) {
        x += dx
        y += dy
        let maxX = Double(width - sprite.width), maxY = Double(height - sprite.height)
        if x < 0 || x > maxX { dx = -dx; x = min(max(x, 0), maxX) }
        if y < 0 || y > maxY { dy = -dy; y = min(max(y, 0), maxY) }
    }
}
