/// A confusion matrix as a picture: one row per true class, one column per predicted class, each cell
/// shaded by the fraction of its row (white 0 % to dark blue 100 %) and labelled with its count and that
/// percentage; the title and axis names above. Drawn with the built-in font, for a PNG writer.
public enum ConfusionMatrixPlot {
    static let scale = 2
    static let cellHeight = 44

    /// `counts[true][predicted]`, square, one row/column per label.
    public static func render(counts: [[Int]], labels: [String], title: String) -> XRGBImage {
        precondition(counts.count == labels.count && counts.allSatisfy { $0.count == labels.count },
                     "ConfusionMatrixPlot: counts must be labels.count x labels.count")
        let glyph = BitmapFont.advance * scale
        let longest = labels.map(\.count).max() ?? 1
        let cellWidth = max(glyph * max(longest, 7) + 12, 90)
        let left = glyph * (longest + 1) + 16
        let lineHeight = BitmapFont.glyphHeight * scale + 8
        let top = 3 * lineHeight + 12
        let n = labels.count
        let width = max(left + n * cellWidth + 16, BitmapFont.width(of: title, scale: scale) + 24)
        let height = top + n * cellHeight + 12
        var image = XRGBImage(width: width, height: height, fill: .white)
        let ink = XRGBColor(red: 20, green: 20, blue: 20)
        image.draw { canvas in
            canvas.drawText(title, x: 12, y: 10, scale: scale, ink)
            canvas.drawText("rows: true class   columns: predicted class   cell: images, % of row",
                            x: 12, y: 10 + lineHeight, scale: 1, ink)
            for (column, label) in labels.enumerated() {
                let x = left + column * cellWidth + (cellWidth - BitmapFont.width(of: label, scale: scale)) / 2
                canvas.drawText(label, x: x, y: top - lineHeight, scale: scale, ink)
            }
            for (row, label) in labels.enumerated() {
                let y = top + row * cellHeight
                canvas.drawText(label, x: 12, y: y + (cellHeight - BitmapFont.glyphHeight * scale) / 2, scale: scale, ink)
                let total = counts[row].reduce(0, +)
                for column in 0..<n {
                    let fraction = total == 0 ? 0 : Double(counts[row][column]) / Double(total)
                    let x = left + column * cellWidth
                    canvas.fillRectangle(x: x, y: y, width: cellWidth, height: cellHeight, shade(fraction))
                    canvas.strokeRectangle(x: x, y: y, width: cellWidth, height: cellHeight, thickness: 1,
                                           row == column ? ink : XRGBColor(red: 200, green: 200, blue: 200))
                    let text = fraction >= 0.5 ? XRGBColor.white : ink
                    let count = "\(counts[row][column])"
                    canvas.drawText(count, x: x + (cellWidth - BitmapFont.width(of: count, scale: scale)) / 2,
                                    y: y + 6, scale: scale, text)
                    let percent = total == 0 ? "-" : "\(Int((fraction * 100).rounded()))%"
                    canvas.drawText(percent, x: x + (cellWidth - BitmapFont.width(of: percent, scale: 1)) / 2,
                                    y: y + cellHeight - BitmapFont.glyphHeight - 6, scale: 1, text)
                }
            }
        }
        return image
    }

    /// White at 0, dark blue at 1, linear in between.
    static func shade(_ fraction: Double) -> XRGBColor {
        let f = min(max(fraction, 0), 1)
        func mix(_ from: Double, _ to: Double) -> UInt8 { UInt8((from + (to - from) * f).rounded()) }
        return XRGBColor(red: mix(255, 8), green: mix(255, 48), blue: mix(255, 107))
    }
}
