// swift-tools-version: 6.0
// Edge runtime: sees faces on a Raspberry Pi-class board and reacts to their emotions.
// Board targets depend only on the toolchain, libv4l2, libdrm, libpng, libjpeg and (edge-run) libmosquitto; the workstation
// converter (edge-quantize) also uses libhdf5 (Keras) and SwiftProtobuf (ONNX).
import PackageDescription

let package = Package(
    name: "EdgeEmotion",
    products: [
        .executable(name: "edge-run", targets: ["edge-run"]),
        .executable(name: "edge-quantize", targets: ["edge-quantize"]),
        .executable(name: "edge-bench", targets: ["edge-bench"]),
        .executable(name: "edge-devices", targets: ["edge-devices"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // MARK: System libraries
        .systemLibrary(name: "CHDF5", path: "Sources/SystemLibraries/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CZip", path: "Sources/SystemLibraries/CZip", pkgConfig: "libzip",
                       providers: [.apt(["libzip-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/SystemLibraries/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", path: "Sources/SystemLibraries/CJPEG", pkgConfig: "libjpeg",
                       providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CV4L2", path: "Sources/SystemLibraries/CV4L2", pkgConfig: "libv4l2",
                       providers: [.apt(["libv4l-dev"])]),
        .systemLibrary(name: "CDRM", path: "Sources/SystemLibraries/CDRM", pkgConfig: "libdrm",
                       providers: [.apt(["libdrm-dev"])]),
        // MQTT client for edge-run's fleet outputs (EdgeFleet) only.
        .systemLibrary(name: "CMosquitto", path: "Sources/SystemLibraries/CMosquitto", pkgConfig: "libmosquitto",
                       providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CEdgeSyscalls", path: "Sources/SystemLibraries/CEdgeSyscalls"),
        .systemLibrary(name: "CLinuxGPIO", path: "Sources/SystemLibraries/CLinuxGPIO"),

        // MARK: Int8 kernels (C: scalar reference + SIMD variants, chosen at start-up)
        .target(name: "CEdgeKernels", path: "Sources/CEdgeKernels"),

        // MARK: Model: float graph, int8 model file, runtime
        // EdgeModel (the board's model file) owns the value types both share (TensorShape, Preprocessing,
        // WindowGeometry); the converter's float graph builds on them, never the other way round.
        .target(name: "EdgeModel"),
        .target(name: "EdgeGraph", dependencies: ["EdgeModel"]),
        .target(name: "EdgeInference", dependencies: ["EdgeModel", "CEdgeKernels", "EdgeSystem"]),

        // MARK: Images and face detection
        .target(name: "CImageCodecs", dependencies: ["CPNG", "CJPEG"]),
        .target(name: "EdgeImage", dependencies: ["CImageCodecs"]),
        .target(name: "CHaarKernels"),
        .target(name: "EdgeDetect", dependencies: ["EdgeImage", "CHaarKernels", "EdgeSystem"]),

        // MARK: Workstation converter: importers and quantizer
        .target(name: "EdgeKerasImport", dependencies: ["EdgeGraph", "EdgeModel", "CHDF5", "CZip"]),
        // Generated/onnx.pb.swift is committed (tools/onnx/generate-swift.sh), so only the
        // SwiftProtobuf runtime is built, not its protoc plugin.
        .target(name: "EdgeONNXImport", dependencies: [
            "EdgeGraph", "EdgeModel", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        .target(name: "EdgeQuantize", dependencies: ["EdgeGraph", "EdgeModel", "EdgeInference", "EdgeImage"]),

        // MARK: Board I/O
        .target(name: "EdgeSystem", dependencies: ["CEdgeSyscalls"]),
        .target(name: "EdgeDevices", dependencies: [
            "EdgeSystem", "EdgeOverlay", "EdgeBoardConfig", "CV4L2", "CDRM", "CLinuxGPIO",
        ]),
        .target(name: "EdgeOverlay"),
        .target(name: "EdgeBoardConfig"),

        // MARK: The board application
        .target(name: "EdgeApp", dependencies: [
            "EdgeSystem", "EdgeModel", "EdgeInference", "EdgeDetect", "EdgeImage", "EdgeDevices", "EdgeOverlay",
            "EdgeBoardConfig",
        ]),

        // MARK: Fleet outputs of edge-run: MQTT (events, state, Home Assistant discovery), Prometheus textfile
        .target(name: "EdgeFleet", dependencies: ["EdgeApp", "EdgeBoardConfig", "EdgeSystem", "CMosquitto"]),

        // MARK: Executables
        .executableTarget(name: "edge-quantize", dependencies: [
            "EdgeKerasImport", "EdgeONNXImport", "EdgeQuantize", "EdgeDetect", "EdgeImage", "EdgeOverlay",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "edge-run", dependencies: [
            "EdgeApp", "EdgeFleet", "EdgeInference", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "edge-bench", dependencies: [
            "EdgeInference", "EdgeDetect", "EdgeImage", "EdgeApp", "EdgeTestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "edge-devices", dependencies: [
            "EdgeDevices", "EdgeOverlay", "EdgeSystem",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Tests
        // Shared by the test targets only (the seeded generator of the randomized and mutation tests).
        .target(name: "EdgeTestSupport", path: "Tests/EdgeTestSupport"),
        .testTarget(name: "EdgeGraphTests", dependencies: ["EdgeTestSupport", "EdgeGraph", "EdgeModel"]),
        .testTarget(name: "EdgeKerasImportTests", dependencies: ["EdgeTestSupport", "EdgeKerasImport", "EdgeGraph", "EdgeModel"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EdgeKernelTests", dependencies: ["EdgeTestSupport", "CEdgeKernels"]),
        .testTarget(name: "EdgeModelTests", dependencies: ["EdgeTestSupport", "EdgeModel", "EdgeInference", "EdgeImage"]),
        .testTarget(name: "EdgeQuantizeTests", dependencies: ["EdgeTestSupport",
            "EdgeKerasImport", "EdgeQuantize", "EdgeGraph", "EdgeModel", "EdgeInference", "EdgeImage",
        ],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EdgeONNXImportTests", dependencies: ["EdgeTestSupport",
            "EdgeONNXImport", "EdgeKerasImport", "EdgeGraph", "EdgeModel",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ], resources: [.copy("Fixtures")]),
        .testTarget(name: "EdgeImageTests", dependencies: ["EdgeTestSupport", "EdgeImage"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EdgeDetectTests", dependencies: ["EdgeTestSupport", "EdgeDetect", "EdgeImage", "CHaarKernels"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EdgeDevicesTests", dependencies: ["EdgeTestSupport",
            "EdgeSystem", "EdgeDevices", "EdgeBoardConfig", "EdgeOverlay", "CV4L2", "CLinuxGPIO",
        ]),
        .testTarget(name: "EdgeFleetTests", dependencies: ["EdgeFleet", "EdgeApp", "EdgeBoardConfig"]),
        .testTarget(name: "EdgeAppTests", dependencies: ["EdgeTestSupport", "EdgeApp", "EdgeSystem", "EdgeImage"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
