/// How a JPEG encoder samples the two chroma planes relative to luma.
public enum ChromaSubsampling: Sendable, Hashable {
    /// Chroma at half resolution both ways (2x2 luma samples per chroma sample): the usual choice for photos.
    case yuv420
    /// Chroma at full resolution: larger files, no colour bleeding at sharp coloured edges.
    case yuv444
}
