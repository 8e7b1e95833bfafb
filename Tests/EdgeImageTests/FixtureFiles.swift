import Foundation

/// Paths of the files in Tests/EdgeImageTests/Fixtures (written by tools/make-image-fixtures).
enum FixtureFiles {
    static func path(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)!.path
    }
}
