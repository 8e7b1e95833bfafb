import Foundation

extension HaarCascade {
    /// Reads an OpenCV Haar cascade XML file: the `opencv_storage/cascade` layout of OpenCV 2.4+
    /// (`stageType`, `weakClassifiers`, `internalNodes`...) or the older `opencv-haar-classifier` one
    /// (`size`, `trees`, `left_val`...). Stumps and trees; tilted features and LBP/HOG cascades are refused.
    public init(xmlFile path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CascadeError.io(path: path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        try self.init(xmlData: [UInt8](data), path: path)
    }

    /// Parses XML held in memory; `path` only names it in errors.
    public init(xmlData bytes: [UInt8], path: String) throws {
        let root: XMLElement
        do {
            root = try XMLDocument.parse(bytes)
        } catch {
            throw CascadeError.malformedXML(path: path, line: error.line, message: error.message)
        }
        let importer = CascadeXMLImporter(path: path)
        let floatCascade = try importer.read(root)
        try self.init(converting: floatCascade) { message in
            CascadeError.invalidCascade(path: path, line: root.line, message: message)
        }
    }
}

struct CascadeXMLImporter {
    let path: String

    func fail(_ element: XMLElement, _ message: String) -> CascadeError {
        .invalidCascade(path: path, line: element.line, message: message)
    }

    func read(_ root: XMLElement) throws -> HaarCascade.FloatCascade {
        guard root.name == "opencv_storage" else {
            throw fail(root, "the root element is <\(root.name)>, expected <opencv_storage>")
        }
        guard let cascade = root.children.first else { throw fail(root, "<opencv_storage> is empty") }
        if cascade.attributes["type_id"] == "opencv-haar-classifier" || cascade.child("size") != nil {
            return try readOldLayout(cascade)
        }
        if cascade.child("stageType") != nil || cascade.attributes["type_id"] == "opencv-cascade-classifier" {
            return try readNewLayout(cascade)
        }
        throw fail(cascade, "<\(cascade.name)> is neither an opencv-cascade-classifier nor an opencv-haar-classifier")
    }

    // MARK: Values

    func required(_ parent: XMLElement, _ name: String) throws -> XMLElement {
        guard let element = parent.child(name) else { throw fail(parent, "<\(parent.name)> has no <\(name)>") }
        return element
    }

    func tokens(_ element: XMLElement) -> [Substring] {
        // isWhitespace also covers "\r\n", one Character in Swift (files with CRLF line ends).
        element.text.split(whereSeparator: { $0.isWhitespace })
    }

    func integer(_ token: Substring, in element: XMLElement) throws -> Int {
        // OpenCV writes some integers as reals ("-1." never occurs for indices, but "24" may be "2.4e1").
        if let value = Int(token) { return value }
        if let value = Double(token), value.rounded() == value, abs(value) < 1e9 { return Int(value) }
        throw fail(element, "<\(element.name)> holds '\(token)', expected an integer")
    }

    /// OpenCV reads reals as double and narrows them to float.
    func real(_ token: Substring, in element: XMLElement) throws -> Float {
        guard let value = Double(token), value.isFinite else {
            throw fail(element, "<\(element.name)> holds '\(token)', expected a number")
        }
        return Float(value)
    }

    func integer(_ element: XMLElement) throws -> Int {
        let values = tokens(element)
        guard values.count == 1 else { throw fail(element, "<\(element.name)> should hold one integer") }
        return try integer(values[0], in: element)
    }

    func real(_ element: XMLElement) throws -> Float {
        let values = tokens(element)
        guard values.count == 1 else { throw fail(element, "<\(element.name)> should hold one number") }
        return try real(values[0], in: element)
    }

    func rectangles(of feature: XMLElement) throws -> [HaarCascade.FloatCascade.Rectangle] {
        if let tilted = feature.child("tilted"), try integer(tilted) != 0 {
            throw fail(tilted, "tilted (45 degree) Haar features are not supported; use a cascade trained without -mode ALL")
        }
        let rects = try required(feature, "rects")
        guard !rects.children.isEmpty, rects.children.count <= 3 else {
            throw fail(rects, "a feature needs 1 to 3 rectangles, found \(rects.children.count)")
        }
        return try rects.children.map { rect in
            let values = tokens(rect)
            guard values.count == 5 else { throw fail(rect, "a rectangle is 'x y width height weight', found '\(rect.text)'") }
            return HaarCascade.FloatCascade.Rectangle(
                x: try integer(values[0], in: rect), y: try integer(values[1], in: rect),
                width: try integer(values[2], in: rect), height: try integer(values[3], in: rect),
                weight: try real(values[4], in: rect))
        }
    }

    // MARK: opencv_storage/cascade (OpenCV 2.4+)

    func readNewLayout(_ cascade: XMLElement) throws -> HaarCascade.FloatCascade {
        let stageType = try required(cascade, "stageType")
        guard stageType.text.trimmingCharacters(in: .whitespacesAndNewlines) == "BOOST" else {
            throw fail(stageType, "stageType '\(stageType.text)' is not BOOST")
        }
        let featureType = try required(cascade, "featureType")
        let kind = featureType.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard kind == "HAAR" else { throw fail(featureType, "featureType \(kind) is not supported (only HAAR)") }
        if let parameters = cascade.child("featureParams"), let categories = parameters.child("maxCatCount"),
            try integer(categories) != 0
        {
            throw fail(categories, "categorical features (maxCatCount > 0) are not supported")
        }
        let width = try integer(try required(cascade, "width"))
        let height = try integer(try required(cascade, "height"))
        let features = try required(cascade, "features").children.map { try rectangles(of: $0) }
        let stages = try required(cascade, "stages").children.map { stage -> HaarCascade.FloatCascade.Stage in
            let threshold = try real(try required(stage, "stageThreshold"))
            let trees = try required(stage, "weakClassifiers").children.map { weak -> HaarCascade.FloatCascade.Tree in
                let nodesElement = try required(weak, "internalNodes")
                let values = tokens(nodesElement)
                guard !values.isEmpty, values.count % 4 == 0 else {
                    throw fail(nodesElement, "internalNodes must be groups of 'left right feature threshold'")
                }
                var nodes: [HaarCascade.FloatCascade.Node] = []
                for start in stride(from: 0, to: values.count, by: 4) {
                    nodes.append(.init(feature: try integer(values[start + 2], in: nodesElement),
                                       threshold: try real(values[start + 3], in: nodesElement),
                                       left: try integer(values[start], in: nodesElement),
                                       right: try integer(values[start + 1], in: nodesElement)))
                }
                let leavesElement = try required(weak, "leafValues")
                let leaves = try tokens(leavesElement).map { try real($0, in: leavesElement) }
                try checkTree(nodes: nodes, leaves: leaves, features: features.count, element: weak)
                return .init(nodes: nodes, leaves: leaves)
            }
            return .init(threshold: threshold, trees: trees, line: stage.line)
        }
        return .init(windowWidth: width, windowHeight: height, features: features, stages: stages)
    }

    func checkTree(nodes: [HaarCascade.FloatCascade.Node], leaves: [Float], features: Int, element: XMLElement) throws {
        guard leaves.count == nodes.count + 1 else {
            throw fail(element, "a tree with \(nodes.count) nodes needs \(nodes.count + 1) leaf values, found \(leaves.count)")
        }
        for (index, node) in nodes.enumerated() {
            guard (0..<features).contains(node.feature) else {
                throw fail(element, "feature index \(node.feature) is outside the \(features) features")
            }
            for child in [node.left, node.right] {
                let valid = child > 0 ? (child > index && child < nodes.count) : -child < leaves.count
                guard valid else { throw fail(element, "node child \(child) does not name a later node or a leaf") }
            }
        }
    }

    // MARK: opencv-haar-classifier (OpenCV 1.x layout)

    func readOldLayout(_ cascade: XMLElement) throws -> HaarCascade.FloatCascade {
        let sizeElement = try required(cascade, "size")
        let size = tokens(sizeElement)
        guard size.count == 2 else { throw fail(sizeElement, "<size> should be 'width height'") }
        let width = try integer(size[0], in: sizeElement)
        let height = try integer(size[1], in: sizeElement)
        var features: [[HaarCascade.FloatCascade.Rectangle]] = []
        var stages: [HaarCascade.FloatCascade.Stage] = []
        for stage in try required(cascade, "stages").children {
            var trees: [HaarCascade.FloatCascade.Tree] = []
            for tree in try required(stage, "trees").children {
                var nodes: [HaarCascade.FloatCascade.Node] = []
                var leaves: [Float] = []
                guard !tree.children.isEmpty else { throw fail(tree, "a tree has no nodes") }
                for node in tree.children {
                    features.append(try rectangles(of: try required(node, "feature")))
                    let threshold = try real(try required(node, "threshold"))
                    func child(_ side: String) throws -> Int {
                        if let value = node.child("\(side)_val") {
                            leaves.append(try real(value))
                            return -(leaves.count - 1)
                        }
                        if let index = node.child("\(side)_node") { return try integer(index) }
                        throw fail(node, "a tree node has neither <\(side)_val> nor <\(side)_node>")
                    }
                    let left = try child("left")
                    let right = try child("right")
                    nodes.append(.init(feature: features.count - 1, threshold: threshold, left: left, right: right))
                }
                try checkTree(nodes: nodes, leaves: leaves, features: features.count, element: tree)
                trees.append(.init(nodes: nodes, leaves: leaves))
            }
            guard !trees.isEmpty else { throw fail(stage, "a stage has no trees") }
            stages.append(.init(threshold: try real(try required(stage, "stage_threshold")), trees: trees, line: stage.line))
        }
        return .init(windowWidth: width, windowHeight: height, features: features, stages: stages)
    }
}
