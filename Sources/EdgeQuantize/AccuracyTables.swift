import Foundation

/// Text tables of an evaluation for people: accuracy per true class and the confusion matrix.
extension AccuracyEvaluation {
    /// Per true class: images, quantized and float top-1 accuracy (recall), e.g.
    /// `angry        467   55.89 %   55.67 %`. Classes without images show `-`.
    public func perClassTable(labels: [String]) -> String {
        let width = max(8, labels.map(\.count).max() ?? 0)
        var lines = [pad("class", width) + "  images  quantized      float"]
        for (index, label) in labels.enumerated() {
            let images = int8Confusion[index].reduce(0, +)
            func rate(_ confusion: [[Int]]) -> String {
                images == 0 ? "-" : String(format: "%.2f %%", 100 * Double(confusion[index][index]) / Double(images))
            }
            lines.append(pad(label, width) + leftPad("\(images)", 8) + leftPad(rate(int8Confusion), 11)
                         + leftPad(rate(floatConfusion), 11))
        }
        return lines.joined(separator: "\n")
    }

    /// The quantized model's confusion matrix: one row per true class, one column per predicted class.
    public func confusionTable(labels: [String]) -> String {
        let rowWidth = max(17, (labels.map(\.count).max() ?? 0) + 1)
        let columnWidth = max(6, (labels.map(\.count).max() ?? 0) + 1)
        var lines = [pad("true \\ predicted", rowWidth) + labels.map { leftPad($0, columnWidth) }.joined()]
        for (index, label) in labels.enumerated() {
            lines.append(pad(label, rowWidth) + int8Confusion[index].map { leftPad("\($0)", columnWidth) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}

private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

private func leftPad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}
