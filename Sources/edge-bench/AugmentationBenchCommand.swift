import ArgumentParser
import EdgeImage
import EdgeInference
import EdgeModel
import Foundation

/// What test-time augmentation costs per face: for each set, the median time to make its views from a
/// face (the crop stage's share: mirror and shift in the resize) and to classify them (every CNN pass
/// plus the averaging) as one batch (what edge-run and evaluate do) and one view after the other, side
/// by side in one run, with the ratio to `none`; then the per-image time of 1, 2, 6 and 10 images run
/// as one batch (`Interpreter.invoke(batch:count:)`: layer by layer) against the same images one after
/// the other, alternated run by run so that machine noise hits both alike (with one thread also the
/// calling thread's CPU time, which leaves out the waits for a CPU on a loaded machine).
struct AugmentationBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tta", abstract: "Time test-time augmentation per face (one line per set, then per run of 1, 2, 6 and 10 images).")

    @Option(help: "Model file (.edgemodel).")
    var model: String

    @Option(help: "Folder of face images (PNG, JPEG or PGM, searched recursively; e.g. FER2013 PublicTest's 48x48 faces): each is the window the views are resized from.")
    var images: String

    @Option(help: "Distinct faces taken from --images (spread evenly over the sorted files).")
    var faces = 64

    @Option(help: "Timed faces per set (after warm-up).")
    var runs = 100

    @Option(help: "Untimed warm-up faces per set.")
    var warmup = 10

    @Option(help: "Kernel table; default: EDGE_KERNELS or the fastest.")
    var kernels: String?

    @Option(help: "Intra-op threads (the caller's included) of both interpreters.")
    var threads = 1

    @Option(help: "Cache budget (kB) that decides which steps of a batch run layer by layer (Interpreter.batchCacheBytes; default: the runtime's). 0: none, a huge value: all.")
    var batchCacheKb: Int?

    /// The batch sizes timed (the largest is also the batched interpreter's capacity).
    static let batches = [1, 2, 6, 10]

    func validate() throws {
        guard runs >= 1, warmup >= 0 else { throw ValidationError("--runs must be >= 1 and --warmup >= 0") }
        guard faces >= 1 else { throw ValidationError("--faces must be >= 1") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads \(threads): give 1 to 64") }
        guard (batchCacheKb ?? 0) >= 0 else { throw ValidationError("--batch-cache-kb must be >= 0") }
    }

    func run() throws {
        let quantized = try ModelFile.load(path: model)
        let table = try kernels.map { name throws(KernelSelectionError) in try KernelTable.select(name) }
            ?? KernelTable.fromEnvironment()
        let capacity = max(Self.batches.max()!, TestTimeAugmentation.allCases.map(\.passes).max()!)
        let batched = try Interpreter(model: quantized, kernels: table, threads: threads, batchCapacity: capacity,
                                      batchCacheBytes: batchCacheKb.map { $0 * 1024 } ?? Interpreter.defaultBatchCacheBytes)
        let single = try Interpreter(model: quantized, kernels: table, threads: threads)
        let side = quantized.inputShape.width, imageSize = quantized.inputShape.elementCount
        let files = (FileManager.default.enumerator(atPath: images)?.allObjects as? [String] ?? [])
            .filter { ["png", "jpg", "jpeg", "pgm"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        guard !files.isEmpty else { throw ValidationError("\(images): no PNG, JPEG or PGM images found") }
        let chosen = (0..<min(self.faces, files.count)).map { files[$0 * files.count / min(self.faces, files.count)] }
        let faces = try chosen.map { try DecodedImage(contentsOfFile: (images as NSString).appendingPathComponent($0)).gray }
        // The plain views back to back: the inputs of the batch timing.
        let pixels = try faces.flatMap { try $0.resized(width: side, height: side).pixels }
        let clock = ContinuousClock()
        func microseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
        }
        func median(_ samples: [Double]) -> Double { samples.sorted()[samples.count / 2] }
        print("cpu=\"\(Self.cpuModel())\" kernels=\(table.name) threads=\(batched.threads) faces=\(faces.count) "
              + "first_face=\(faces[0].width)x\(faces[0].height) runs=\(runs) arena_kb_per_image=\(batched.plan.byteCount / 1024) "
              + "batch_cache_kb=\(batched.batchCacheBytes / 1024)")

        var noneClassify = 0.0
        for augmentation in TestTimeAugmentation.allCases {
            var cropSamples: [Double] = [], batchedSamples: [Double] = [], singleSamples: [Double] = []
            var counts = [Int](repeating: 0, count: 7)
            for run in -warmup..<runs {
                let face = faces[(run + warmup) % faces.count]
                let start = clock.now
                let views = try augmentation.views.map { try face.resized(width: side, height: side, view: $0).pixels }
                let made = clock.now
                let scores = try batched.classifyAveraging(views)
                let done = clock.now
                let alone = try single.classifyAveraging(views)
                let aloneDone = clock.now
                guard alone == scores else { throw ValidationError("set \(augmentation.name): batched scores differ from one view at a time") }
                if run >= 0 {
                    cropSamples.append(microseconds(made - start))
                    batchedSamples.append(microseconds(done - made))
                    singleSamples.append(microseconds(aloneDone - done))
                    if let best = scores.indices.max(by: { scores[$0] < scores[$1] }), best < counts.count { counts[best] += 1 }
                }
            }
            let classify = median(batchedSamples), alone = median(singleSamples)
            if augmentation == .none { noneClassify = classify }
            print("tta set=\(augmentation.name) passes=\(augmentation.passes) views_us=\(format(median(cropSamples))) "
                  + "classify_us=\(format(classify)) one_at_a_time_us=\(format(alone)) "
                  + "batched_ratio=\(String(format: "%.2f", classify / alone)) "
                  + "ratio_to_none=\(String(format: "%.2f", classify / noneClassify)) "
                  + "argmax_counts=\(counts.map(String.init).joined(separator: ","))")
        }
        for batch in Self.batches {
            var batchedSamples: [Double] = [], singleSamples: [Double] = []
            var batchedCPU: [Double] = [], singleCPU: [Double] = []
            var input = [UInt8](repeating: 0, count: batch * imageSize)
            for run in -warmup..<runs {
                for item in 0..<batch {
                    let image = (run + warmup + item) % faces.count
                    input.replaceSubrange(item * imageSize..<(item + 1) * imageSize,
                                          with: pixels[image * imageSize..<(image + 1) * imageSize])
                }
                let startCPU = Self.threadCPUMicroseconds()
                let start = clock.now
                try input.withUnsafeBufferPointer { try batched.invoke(batch: $0, count: batch) }
                let middle = clock.now
                let middleCPU = Self.threadCPUMicroseconds()
                try input.withUnsafeBufferPointer { all in
                    for item in 0..<batch {
                        try single.invoke(pixels: UnsafeBufferPointer(rebasing: all[item * imageSize..<(item + 1) * imageSize]))
                    }
                }
                let end = clock.now
                let endCPU = Self.threadCPUMicroseconds()
                if run >= 0 {
                    batchedSamples.append(microseconds(middle - start) / Double(batch))
                    singleSamples.append(microseconds(end - middle) / Double(batch))
                    batchedCPU.append((middleCPU - startCPU) / Double(batch))
                    singleCPU.append((endCPU - middleCPU) / Double(batch))
                }
            }
            let together = median(batchedSamples), apart = median(singleSamples)
            let layered = batched.batchedSteps(images: batch)
            print("batch images=\(batch) layer_by_layer_steps=\(layered.lowerBound)..<\(layered.upperBound) batched_us_per_image=\(format(together)) one_at_a_time_us_per_image=\(format(apart)) "
                  + "ratio=\(String(format: "%.2f", together / apart)) (min \(format(batchedSamples.min()!)) vs "
                  + "\(format(singleSamples.min()!)): ratio_of_min=\(String(format: "%.2f", batchedSamples.min()! / singleSamples.min()!))) "
                  + (threads == 1
                     ? "cpu_us_per_image=\(format(median(batchedCPU))) vs \(format(median(singleCPU))) "
                       + "cpu_ratio=\(String(format: "%.2f", median(batchedCPU) / median(singleCPU)))"
                     : ""))
        }
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID): with one thread, the work of an inference
    /// without the time the thread waited for a CPU on a loaded machine.
    static func threadCPUMicroseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e6 + Double(time.tv_nsec) / 1e3
    }

    /// `model name` from /proc/cpuinfo (x86), else `CPU part`/`Hardware` (ARM), else "unknown".
    static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for key in ["model name", "Hardware", "CPU part"] {
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
               let value = line.split(separator: ":", maxSplits: 1).last {
                return value.trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }
}
