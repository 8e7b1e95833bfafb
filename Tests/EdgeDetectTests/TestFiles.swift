import Foundation

enum TestFiles {
    /// The repository root (tests read the shipped models from it).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static let cascadeXML = repositoryRoot + "/models/opencv/haarcascade_frontalface_default.xml"
    static let cascadeBinary = repositoryRoot + "/models/face_frontal.edgecascade"

    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)!.path
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// The same tiny cascade (2 stages: two stumps, then one depth-2 tree) in both OpenCV layouts.
enum SmallCascades {
    static let newLayout = """
        <?xml version="1.0"?>
        <opencv_storage>
        <cascade type_id="opencv-cascade-classifier"><stageType>BOOST</stageType>
          <featureType>HAAR</featureType>
          <height>24</height>
          <width>24</width>
          <stageParams><maxWeakCount>2</maxWeakCount></stageParams>
          <featureParams><maxCatCount>0</maxCatCount></featureParams>
          <stageNum>2</stageNum>
          <stages>
            <_>
              <maxWeakCount>2</maxWeakCount>
              <stageThreshold>-1.5</stageThreshold>
              <weakClassifiers>
                <_><internalNodes>0 -1 0 -3.1511999666690826e-02</internalNodes>
                  <leafValues>2.0875380039215088e+00 -2.2172100543975830e+00</leafValues></_>
                <_><internalNodes>0 -1 1 1.2396000325679779e-02</internalNodes>
                  <leafValues>-1.8633940219879150e+00 1.3272049427032471e+00</leafValues></_></weakClassifiers></_>
            <_>
              <maxWeakCount>1</maxWeakCount>
              <stageThreshold>-0.5</stageThreshold>
              <weakClassifiers>
                <_><internalNodes>1 0 2 0.02 -1 -2 3 -0.01</internalNodes>
                  <leafValues>0.5 -0.75 1.25</leafValues></_></weakClassifiers></_></stages>
          <features>
            <_><rects><_>6 4 12 9 -1.</_><_>6 7 12 3 3.</_></rects></_>
            <_><rects><_>6 4 12 7 -1.</_><_>10 4 4 7 3.</_></rects></_>
            <_><rects><_>3 9 18 9 -1.</_><_>3 12 18 3 3.</_></rects><tilted>0</tilted></_>
            <_><rects><_>0 0 24 24 -1.</_><_>8 8 8 8 4.</_><_>0 0 2 2 1.5</_></rects></_></features></cascade>
        </opencv_storage>
        """

    static let oldLayout = """
        <?xml version="1.0"?>
        <!-- old layout; comments and a second line of header -->
        <opencv_storage>
        <small_cascade type_id="opencv-haar-classifier">
          <size>24 24</size>
          <stages>
            <_>
              <trees>
                <_><_>
                    <feature><rects><_>6 4 12 9 -1.</_><_>6 7 12 3 3.</_></rects><tilted>0</tilted></feature>
                    <threshold>-0.0315119996666908</threshold>
                    <left_val>2.0875380039215088</left_val>
                    <right_val>-2.2172100543975830</right_val></_></_>
                <_><_>
                    <feature><rects><_>6 4 12 7 -1.</_><_>10 4 4 7 3.</_></rects><tilted>0</tilted></feature>
                    <threshold>0.0123960003256798</threshold>
                    <left_val>-1.8633940219879150</left_val>
                    <right_val>1.3272049427032471</right_val></_></_></trees>
              <stage_threshold>-1.5</stage_threshold>
              <parent>-1</parent>
              <next>-1</next></_>
            <_>
              <trees>
                <_>
                  <_>
                    <feature><rects><_>3 9 18 9 -1.</_><_>3 12 18 3 3.</_></rects><tilted>0</tilted></feature>
                    <threshold>0.02</threshold>
                    <left_node>1</left_node>
                    <right_val>0.5</right_val></_>
                  <_>
                    <feature><rects><_>0 0 24 24 -1.</_><_>8 8 8 8 4.</_><_>0 0 2 2 1.5</_></rects><tilted>0</tilted></feature>
                    <threshold>-0.01</threshold>
                    <left_val>-0.75</left_val>
                    <right_val>1.25</right_val></_></_></trees>
              <stage_threshold>-0.5</stage_threshold>
              <parent>0</parent>
              <next>-1</next></_></stages></small_cascade>
        </opencv_storage>
        """
}
