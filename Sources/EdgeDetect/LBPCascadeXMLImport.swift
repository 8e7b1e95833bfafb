import Foundation

extension LBPCascade {
    /// Reads an OpenCV LBP cascade XML file (`opencv_storage/cascade` with `featureType LBP`, stumps).
    public init(xmlFile path: String) throws {
        try self.init(xmlData: try readCascadeBytes(path), path: path)
    }

    /// Parses XML held in memory; `path` only names it in errors.
    public init(xmlData bytes: [UInt8], path: String) throws {
        let root = try parseCascadeXML(bytes, path: path)
        let floatCascade = try CascadeXMLImporter(path: path).readLBP(root)
        try self.init(converting: floatCascade) { message in
            CascadeError.invalidCascade(path: path, line: root.line, message: message)
        }
    }
}

func readCascadeBytes(_ path: String) throws -> [UInt8] {
    do {
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
        throw CascadeError.io(path: path, reason: "cannot read the cascade file (\(error.localizedDescription))")
    }
}

func parseCascadeXML(_ bytes: [UInt8], path: String) throws -> XMLElement {
    do {
        return try XMLDocument.parse(bytes)
    } catch {
        throw CascadeError.malformedXML(path: path, line: error.line, message: error.message)
    }
}

extension CascadeXMLImporter {
    /// The `featureType` of an `opencv_storage/cascade` document ("HAAR" for the old layout).
    func featureType(_ root: XMLElement) throws -> String {
        guard root.name == "opencv_storage" else {
            throw fail(root, "the root element is <\(root.name)>, expected <opencv_storage>")
        }
        guard let cascade = root.children.first else { throw fail(root, "<opencv_storage> is empty") }
        guard let type = cascade.child("featureType") else { return "HAAR" }
        return type.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func readLBP(_ root: XMLElement) throws -> LBPCascade.FloatCascade {
        let kind = try featureType(root)
        guard kind == "LBP", let cascade = root.children.first else {
            throw fail(root, "featureType is \(kind), expected LBP")
        }
        let stageType = try required(cascade, "stageType")
        guard stageType.text.trimmingCharacters(in: .whitespacesAndNewlines) == "BOOST" else {
            throw fail(stageType, "stageType '\(stageType.text)' is not BOOST")
        }
        let categories = try required(try required(cascade, "featureParams"), "maxCatCount")
        guard try integer(categories) == 256 else { throw fail(categories, "LBP cascades need maxCatCount 256") }
        let width = try integer(try required(cascade, "width"))
        let height = try integer(try required(cascade, "height"))
        let features = try required(cascade, "features").children.map { feature -> LBPCascade.Feature in
            let rect = try required(feature, "rect")
            let values = try tokens(rect).map { try integer($0, in: rect) }
            guard values.count == 4 else { throw fail(rect, "an LBP rect is 'x y blockWidth blockHeight', found '\(rect.text)'") }
            return LBPCascade.Feature(x: values[0], y: values[1], blockWidth: values[2], blockHeight: values[3])
        }
        let stages = try required(cascade, "stages").children.map { stage -> LBPCascade.FloatCascade.Stage in
            let threshold = try real(try required(stage, "stageThreshold"))
            let stumps = try required(stage, "weakClassifiers").children.map { weak -> LBPCascade.FloatCascade.Stump in
                let nodes = try required(weak, "internalNodes")
                let values = tokens(nodes)
                guard values.count == 11 else {
                    throw fail(nodes, values.count > 11 && values.count % 11 == 0
                        ? "LBP trees of more than one node (maxDepth > 1) are not supported; use stumps"
                        : "internalNodes must be 'left right feature' and 8 subset words")
                }
                let subset = try values[3...].map { token -> UInt32 in
                    let word = try integer(token, in: nodes)
                    guard let value = Int32(exactly: word) else { throw fail(nodes, "subset word \(word) is not an int32") }
                    return UInt32(bitPattern: value)
                }
                let leavesElement = try required(weak, "leafValues")
                let leaves = try tokens(leavesElement).map { try real($0, in: leavesElement) }
                guard leaves.count == 2 else { throw fail(leavesElement, "a stump needs 2 leaf values, found \(leaves.count)") }
                let feature = try integer(values[2], in: nodes)
                guard features.indices.contains(feature) else {
                    throw fail(nodes, "feature index \(feature) is outside the \(features.count) features")
                }
                // OpenCV's stumps take leaves[0] when the code's bit is set, whatever left/right say.
                return .init(feature: feature, subset: subset, left: leaves[0], right: leaves[1])
            }
            guard !stumps.isEmpty else { throw fail(stage, "a stage has no weak classifiers") }
            return .init(threshold: threshold, stumps: stumps)
        }
        return .init(windowWidth: width, windowHeight: height, features: features, stages: stages)
    }
}
