import ArgumentParser
import EdgeInference
import EdgeModel
import Foundation

/// Times the int8 CNN on pixels given in a raw file (tools/bench-cnn times LiteRT on the same file
/// and computes the ratio). Batch 1; median over `runs` inferences after `warmup`, cycling through
/// the inputs. Also prints a digest of every int8 output, so runs with different EDGE_KERNELS can
/// be compared byte for byte, and the peak RSS before and after the timed loop. With `--batch N`
/// (N > 1) it instead times batches of N consecutive inputs (`Interpreter.invoke(batch:count:)`) against
/// the same N inputs one at a time, alternated run by run, per image (one `edge_batch` line).
struct CNNBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnn", abstract: "Time int8 CNN inference (one line of results on standard output).")

    @Option(help: "Model file (.edgemodel).")
    var model: String

    @Option(help: "Raw 8-bit pixels: N images of the model's input size (HWC), back to back.")
    var inputs: String

    @Option(help: "Timed inferences (after warm-up).")
    var runs = 300

    @Option(help: "Untimed warm-up inferences.")
    var warmup = 50

    @Option(help: "Intra-op threads (the caller's included): large layers run split across them.")
    var threads = 1

    @Flag(help: "Also print every timed sample (microseconds) on a line starting with samples_us.")
    var printSamples = false

    @Flag(help: "Also print a per-layer profile (median us of each step over the timed runs) on lines starting with profile.")
    var profile = false

    @Option(help: "Kernel table (reference, avx2, avx512vnni, neon, neon-dotprod); default: EDGE_KERNELS or the fastest.")
    var kernels: String?

    @Option(help: "Images per timed batch: > 1 times invoke(batch:) against one image at a time (per image).")
    var batch = 1

    func validate() throws {
        guard runs >= 1, warmup >= 0 else { throw ValidationError("--runs must be >= 1 and --warmup >= 0") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads \(threads): give 1 to 64") }
        guard (1...Interpreter.maximumBatch).contains(batch) else {
            throw ValidationError("--batch \(batch): give 1 to \(Interpreter.maximumBatch)")
        }
    }

    func run() throws {
        let quantized = try ModelFile.load(path: model)
        let table = try kernels.map { name throws(KernelSelectionError) in try KernelTable.select(name) }
            ?? KernelTable.fromEnvironment()
        let interpreter = try Interpreter(model: quantized, kernels: table, threads: threads)
        let imageSize = quantized.inputShape.elementCount
        guard let data = FileManager.default.contents(atPath: inputs) else {
            throw ValidationError("\(inputs): cannot read the input pixels file")
        }
        let pixels = [UInt8](data)
        guard !pixels.isEmpty, pixels.count % imageSize == 0 else {
            throw ValidationError("\(inputs): \(pixels.count) bytes is not a whole number of \(quantized.inputShape) images")
        }
        let imageCount = pixels.count / imageSize
        if batch > 1 { return try timeBatches(quantized, table: table, pixels: pixels, imageCount: imageCount) }

        let (digest, predictions) = try outputDigest(interpreter, pixels: pixels, batch: 1)

        var samples = [Double](repeating: 0, count: runs)
        // Peak RSS once the warm-up has run every code path of the timed loop (clock included), so
        // that the growth shows what the timed inferences themselves add.
        var peakBefore = PeakResidentMemory.kilobytes()
        let clock = ContinuousClock()
        try pixels.withUnsafeBufferPointer { all in
            for run in -warmup..<runs {
                if run == 0 { peakBefore = PeakResidentMemory.kilobytes() }
                let image = (run + warmup) % imageCount
                let slice = UnsafeBufferPointer(rebasing: all[image * imageSize..<(image + 1) * imageSize])
                let start = clock.now
                try interpreter.invoke(pixels: slice)
                let elapsed = start.duration(to: clock.now)
                if run >= 0 { samples[run] = Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6 }
            }
        }
        let peakAfter = PeakResidentMemory.kilobytes()
        if profile { try printProfile(interpreter, pixels: pixels, imageSize: imageSize) }
        if printSamples { print("samples_us " + samples.map(format).joined(separator: " ")) }
        samples.sort()
        let median = samples[runs / 2]
        print("edge_cnn kernels=\(table.name) threads=\(interpreter.threads) images=\(imageCount) runs=\(runs) min_us=\(format(samples[0])) "
              + "median_us=\(format(median)) outputs_fnv=\(String(digest.value, radix: 16)) "
              + "argmax_counts=\(predictions.map(String.init).joined(separator: ",")) "
              + "peak_rss_kb=\(peakAfter) peak_rss_growth_kb=\(peakAfter - peakBefore) packed_kb=\(interpreter.packedByteCount / 1024)")
    }

    private func format(_ microseconds: Double) -> String { String(format: "%.1f", microseconds) }

    /// Digest of every input's outputs and float logits, and the predicted-class counts, the inputs run as
    /// consecutive batches of `batch` images (the last one shorter).
    private func outputDigest(_ interpreter: Interpreter, pixels: [UInt8], batch: Int) throws -> (OutputDigest, [Int]) {
        let imageSize = interpreter.inputShape.elementCount, imageCount = pixels.count / imageSize
        var digest = OutputDigest()
        var predictions = [Int](repeating: 0, count: 7)
        try pixels.withUnsafeBufferPointer { all in
            for first in stride(from: 0, to: imageCount, by: batch) {
                let count = min(batch, imageCount - first)
                try interpreter.invoke(batch: UnsafeBufferPointer(rebasing: all[first * imageSize..<(first + count) * imageSize]),
                                       count: count)
                for image in 0..<count {
                    digest.add(interpreter.outputBytes(image: image))
                    let best: Int
                    if let logits = interpreter.logits(image: image) {
                        digest.add(logits)
                        best = logits.indices.max { logits[$0] < logits[$1] } ?? 0
                    } else {
                        let output = interpreter.outputBytes(image: image)
                        let values = interpreter.model.tensors[interpreter.model.outputTensor].elementType == .int16
                            ? (0..<output.count / 2).map { Int32(output.load(fromByteOffset: 2 * $0, as: Int16.self)) }
                            : output.map { Int32(Int8(bitPattern: $0)) }
                        best = values.indices.max { values[$0] < values[$1] } ?? 0
                    }
                    if best < predictions.count { predictions[best] += 1 }
                }
            }
        }
        return (digest, predictions)
    }

    /// `--batch`: per-image medians of batches of `batch` consecutive inputs (cycling) run together and
    /// one at a time, alternated; checks that both give the same bytes.
    private func timeBatches(_ model: QuantizedModel, table: KernelTable, pixels: [UInt8], imageCount: Int) throws {
        let imageSize = model.inputShape.elementCount
        let batched = try Interpreter(model: model, kernels: table, threads: threads, batchCapacity: batch)
        let single = try Interpreter(model: model, kernels: table, threads: threads)
        let (digest, predictions) = try outputDigest(batched, pixels: pixels, batch: batch)
        var input = [UInt8](repeating: 0, count: batch * imageSize)
        var together: [Double] = [], apart: [Double] = []
        let clock = ContinuousClock()
        func microseconds(_ d: Duration) -> Double { Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6 }
        for run in -warmup..<runs {
            for item in 0..<batch {
                let image = (run + warmup) * batch + item
                let source = (image % imageCount) * imageSize
                input.replaceSubrange(item * imageSize..<(item + 1) * imageSize, with: pixels[source..<source + imageSize])
            }
            let start = clock.now
            try input.withUnsafeBufferPointer { try batched.invoke(batch: $0, count: batch) }
            let middle = clock.now
            var same = true
            try input.withUnsafeBufferPointer { all in
                for item in 0..<batch {
                    try single.invoke(pixels: UnsafeBufferPointer(rebasing: all[item * imageSize..<(item + 1) * imageSize]))
                    if run == -warmup { same = same && Array(single.outputBytes) == Array(batched.outputBytes(image: item)) }
                }
            }
            let end = clock.now
            guard same else { throw ValidationError("batch of \(batch): an image's output differs from its one-at-a-time output") }
            if run >= 0 {
                together.append(microseconds(middle - start) / Double(batch))
                apart.append(microseconds(end - middle) / Double(batch))
            }
        }
        if printSamples { print("samples_us " + together.map(format).joined(separator: " ")) }
        let batchedMedian = together.sorted()[runs / 2], singleMedian = apart.sorted()[runs / 2]
        let layered = batched.batchedSteps(images: batch)
        print("edge_batch kernels=\(table.name) threads=\(batched.threads) images=\(batch) runs=\(runs) "
              + "layer_by_layer_steps=\(layered.lowerBound)..<\(layered.upperBound) "
              + "batched_us_per_image=\(format(batchedMedian)) one_at_a_time_us_per_image=\(format(singleMedian)) "
              + "ratio=\(String(format: "%.2f", batchedMedian / singleMedian)) outputs_fnv=\(String(digest.value, radix: 16)) "
              + "argmax_counts=\(predictions.map(String.init).joined(separator: ","))")
    }

    /// Times every step over `runs` inferences (after the timed loop, so it does not disturb it)
    /// and prints the median of each with its share of the summed medians.
    private func printProfile(_ interpreter: Interpreter, pixels: [UInt8], imageSize: Int) throws {
        let names = interpreter.stepDescriptions
        let imageCount = pixels.count / imageSize
        var perStep = [[Double]](repeating: [], count: names.count)
        var nanoseconds = [UInt64](repeating: 0, count: names.count)
        try pixels.withUnsafeBufferPointer { all in
            for run in -warmup..<runs {
                let image = (run + warmup) % imageCount
                try nanoseconds.withUnsafeMutableBufferPointer { ns in
                    try interpreter.invokeProfiled(
                        pixels: UnsafeBufferPointer(rebasing: all[image * imageSize..<(image + 1) * imageSize]), nanoseconds: ns)
                }
                if run >= 0 { for step in names.indices { perStep[step].append(Double(nanoseconds[step]) / 1000) } }
            }
        }
        let medians = perStep.map { $0.sorted()[$0.count / 2] }
        let total = medians.reduce(0, +)
        for (step, name) in names.enumerated() {
            print("profile step=\(step) us=\(format(medians[step])) share=\(String(format: "%.1f", 100 * medians[step] / total))% \(name)")
        }
        print("profile total_us=\(format(total)) (sum of per-step medians)")
    }
}

/// FNV-1a over output bytes: equal digests mean (with overwhelming probability) equal bytes.
struct OutputDigest {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    /// Float logits by bit pattern: kernel paths must agree bit for bit.
    mutating func add(_ logits: UnsafeBufferPointer<Float>) {
        for logit in logits {
            withUnsafeBytes(of: logit.bitPattern.littleEndian) { bytes in
                for byte in bytes {
                    value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
                }
            }
        }
    }

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
        }
    }
}

/// The process's peak resident set (VmHWM in /proc/self/status), in kB; 0 where unavailable.
enum PeakResidentMemory {
    static func kilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}
