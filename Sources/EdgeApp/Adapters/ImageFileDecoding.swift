import EdgeImage

/// Image files the folder source replays: PNG, JPEG and binary PGM, decoded by EdgeImage (libpng, libjpeg-turbo)
/// and converted to gray with OpenCV's BGR2GRAY weights.
public enum ImageFileDecoding {
    public static let extensions: Set<String> = ["png", "jpg", "jpeg", "pgm"]

    public static let decodeGray: GrayImageDecoder = { path in
        let image = try GrayImage(contentsOfFile: path)
        return (image.width, image.height, image.pixels)
    }
}
