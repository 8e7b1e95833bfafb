/// OpenCV's `groupRectangles(rectList, weights, groupThreshold, eps)`:
/// 1. partition the boxes into classes of the transitive closure of "similar" (every edge within
///    delta = eps * (min(w1, w2) + min(h1, h2)) / 2 of the other's);
/// 2. average each class (sums scaled by the float 1/n, rounded to nearest even as cvRound does);
/// 3. drop classes with n <= groupThreshold, and classes lying inside another kept class (grown by
///    eps of its size) when that class has more than max(3, n) members or n < 3.
/// With groupThreshold <= 0 the boxes are returned unchanged with one neighbour each.
enum RectangleGrouping {
    static func group(_ boxes: [Box], threshold: Int, eps: Double) -> [Detection] {
        groupWithMembers(boxes, threshold: threshold, eps: eps).map(\.detection)
    }

    /// `group`, with the indices of the boxes each reported detection averages (one box each when threshold <= 0).
    static func groupWithMembers(_ boxes: [Box], threshold: Int, eps: Double) -> [(detection: Detection, members: [Int])] {
        guard threshold > 0, !boxes.isEmpty else {
            return boxes.enumerated().map { (Detection(box: $0.element, neighbors: 1), [$0.offset]) }
        }
        var parent = Array(boxes.indices)
        func root(_ index: Int) -> Int {
            var node = index
            while parent[node] != node {
                parent[node] = parent[parent[node]]
                node = parent[node]
            }
            return node
        }
        for i in boxes.indices {
            for j in (i + 1)..<boxes.count where similar(boxes[i], boxes[j], eps: eps) {
                let a = root(i), b = root(j)
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var classOf: [Int: Int] = [:]
        var sums: [(x: Int, y: Int, width: Int, height: Int, count: Int)] = []
        var members: [[Int]] = []
        for index in boxes.indices {
            let label = root(index)
            let cls: Int
            if let existing = classOf[label] {
                cls = existing
            } else {
                cls = sums.count
                classOf[label] = cls
                sums.append((0, 0, 0, 0, 0))
                members.append([])
            }
            members[cls].append(index)
            sums[cls].x += boxes[index].x
            sums[cls].y += boxes[index].y
            sums[cls].width += boxes[index].width
            sums[cls].height += boxes[index].height
            sums[cls].count += 1
        }
        let averaged = sums.map { sum -> Box in
            let scale = 1 / Float(sum.count)
            func average(_ total: Int) -> Int { Int((Float(total) * scale).rounded(.toNearestOrEven)) }
            return Box(x: average(sum.x), y: average(sum.y), width: average(sum.width), height: average(sum.height))
        }
        var result: [(detection: Detection, members: [Int])] = []
        for i in averaged.indices {
            let r1 = averaged[i]
            let n1 = sums[i].count
            if n1 <= threshold { continue }
            var swallowed = false
            for j in averaged.indices where j != i {
                let n2 = sums[j].count
                if n2 <= threshold { continue }
                let r2 = averaged[j]
                let dx = Int((Double(r2.width) * eps).rounded(.toNearestOrEven))
                let dy = Int((Double(r2.height) * eps).rounded(.toNearestOrEven))
                if r1.x >= r2.x - dx && r1.y >= r2.y - dy && r1.x + r1.width <= r2.x + r2.width + dx
                    && r1.y + r1.height <= r2.y + r2.height + dy && (n2 > max(3, n1) || n1 < 3)
                {
                    swallowed = true
                    break
                }
            }
            if !swallowed { result.append((Detection(box: r1, neighbors: n1), members[i])) }
        }
        return result
    }

    static func similar(_ r1: Box, _ r2: Box, eps: Double) -> Bool {
        let delta = eps * Double(min(r1.width, r2.width) + min(r1.height, r2.height)) * 0.5
        return Double(abs(r1.x - r2.x)) <= delta && Double(abs(r1.y - r2.y)) <= delta
            && Double(abs(r1.x + r1.width - r2.x - r2.width)) <= delta
            && Double(abs(r1.y + r1.height - r2.y - r2.height)) <= delta
    }
}
