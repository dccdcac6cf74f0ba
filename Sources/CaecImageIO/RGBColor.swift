/// An 8-bit sRGB colour, such as the background that transparent pixels are composited over.
public struct RGBColor: Sendable, Hashable {
    /// Red, 0...255.
    public var red: UInt8
    /// Green, 0...255.
    public var green: UInt8
    /// Blue, 0...255.
    public var blue: UInt8

    /// A colour from its three sRGB components.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// `(255, 255, 255)`, the default background.
    public static let white = RGBColor(red: 255, green: 255, blue: 255)
    /// `(0, 0, 0)`.
    public static let black = RGBColor(red: 0, green: 0, blue: 0)
}
