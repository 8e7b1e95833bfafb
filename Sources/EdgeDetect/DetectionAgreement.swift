/// How well one detector's boxes agree with a reference detector's on one image: each reference box is
/// matched to at most one candidate box with IoU >= `threshold` (greedily, best IoU first).
public struct DetectionAgreement: Sendable, Equatable {
    public var matched: Int
    public var missed: Int
    public var extra: Int

    public init(matched: Int = 0, missed: Int = 0, extra: Int = 0) {
        self.matched = matched
        self.missed = missed
        self.extra = extra
    }

    public init(reference: [Box], candidates: [Box], threshold: Double = 0.5) {
        var pairs: [(iou: Double, reference: Int, candidate: Int)] = []
        for (r, referenceBox) in reference.enumerated() {
            for (c, candidateBox) in candidates.enumerated() {
                let iou = referenceBox.intersectionOverUnion(candidateBox)
                if iou >= threshold { pairs.append((iou, r, c)) }
            }
        }
        pairs.sort { $0.iou > $1.iou }
        var usedReference = Set<Int>(), usedCandidate = Set<Int>()
        for pair in pairs where !usedReference.contains(pair.reference) && !usedCandidate.contains(pair.candidate) {
            usedReference.insert(pair.reference)
            usedCandidate.insert(pair.candidate)
        }
        self.init(matched: usedReference.count, missed: reference.count - usedReference.count,
                  extra: candidates.count - usedCandidate.count)
    }

    public static func + (lhs: Self, rhs: Self) -> Self {
        Self(matched: lhs.matched + rhs.matched, missed: lhs.missed + rhs.missed, extra: lhs.extra + rhs.extra)
    }

    public var referenceCount: Int { matched + missed }
    /// Matched fraction of the reference boxes (1 when there are none).
    public var matchedFraction: Double { referenceCount == 0 ? 1 : Double(matched) / Double(referenceCount) }
    /// Extra boxes as a fraction of the reference count.
    public var extraFraction: Double { Double(extra) / Double(max(referenceCount, 1)) }
}
