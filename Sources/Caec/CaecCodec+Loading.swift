extension CaecCodec {
    /// Loads the weights of model `modelID` from the first folder of `searchPaths` that has `<folder>/<modelID>.caew`.
    ///
    /// Folders are tried in order; the first file found is used, and a file that is there but cannot be read or
    /// checked is an error (the later folders are not tried). An empty folder name means the current directory.
    /// The file is read with `open`/`read` (up to 1 GiB).
    ///
    /// ```swift
    /// let codec = try CaecCodec(modelID: "bmshj-f-vr", searchPaths: ["/usr/local/share/caec/Models"])
    /// ```
    ///
    /// - Parameters:
    ///   - modelID: a model's stable id, such as `bmshj-f-vr`; letters, digits, `-`, `_` and `.` only.
    ///   - searchPaths: folders holding `.caew` files.
    /// - Throws: `CaecError` `.modelNotFound` when no folder has the file (the message lists every path tried),
    ///   `.invalidModel` when the file cannot be read, is corrupt, or holds another model's weights,
    ///   `.invalidArgument` for an empty id or one with other characters (such as `/`).
    public init(modelID: String, searchPaths: [String]) throws(CaecError) {
        guard Self.isValidModelID(modelID) else {
            throw CaecError(
                .invalidArgument, "'\(modelID)' is not a model id (letters, digits, '-', '_' and '.' only)")
        }
        let (codec, folder) = try Self.load(modelID: modelID, searchPaths: searchPaths)
        self = codec
        try attachTaskClassifier(from: folder)
    }

    /// `init(modelID:searchPaths:)`, and the folder the weights came from.
    private static func load(modelID: String, searchPaths: [String]) throws(CaecError) -> (
        codec: CaecCodec, folder: String
    ) {
        var tried: [String] = []
        for folder in searchPaths {
            let base = folder.isEmpty ? "." : folder
            let path = join(base, modelID + ".caew")
            tried.append(path)
            guard let bytes = try weightsBytes(at: path) else { continue }
            let codec: CaecCodec
            do { codec = try CaecCodec(weights: bytes) } catch {
                throw CaecError(.invalidModel, "\(path): \(error.message)")
            }
            guard codec.modelID == modelID else {
                throw CaecError(.invalidModel, "\(path): holds the weights of '\(codec.modelID)', not '\(modelID)'")
            }
            return (codec, base)
        }
        throw CaecError(
            .modelNotFound,
            "weights for model '\(modelID)' not found; tried "
                + (tried.isEmpty ? "no folder (the search path is empty)" : tried.joined(separator: ", ")))
    }

    /// Attaches the task classifier (`taskClassifierID`) from `<folder>/<id>.caew` when the model has one and the
    /// file is there.
    ///
    /// - Throws: `CaecError` `.invalidModel` (naming the file) when the file is there but cannot be read or is not
    ///   that classifier's weights.
    package mutating func attachTaskClassifier(from folder: String) throws(CaecError) {
        guard let id = taskClassifierID else { return }
        let path = Self.join(folder, id + ".caew")
        guard let bytes = try Self.weightsBytes(at: path) else { return }
        do { try attachTaskClassifier(weights: bytes) } catch {
            throw CaecError(.invalidModel, "\(path): \(error.message)")
        }
    }

    /// The bytes of the weights file at `path`, nil when there is none.
    ///
    /// - Throws: `CaecError` `.invalidModel` naming `path` when it is there but cannot be read.
    private static func weightsBytes(at path: String) throws(CaecError) -> [UInt8]? {
        switch WeightsFileReader.contents(of: path) {
        case .absent: return nil
        case .unreadable(let reason): throw CaecError(.invalidModel, "\(path): cannot read weights: \(reason)")
        case .bytes(let bytes): return bytes
        }
    }

    /// Ids are file names without a folder: `..`, `/` and the empty string never reach `open`.
    static func isValidModelID(_ id: String) -> Bool {
        !id.isEmpty && id != "." && id != ".."
            && id.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D
                    || c == 0x5F || c == 0x2E
            }
    }
}

// Spec/model-weights.md §8: weights versions. A file made by any released weights keeps decoding: superseded
// weights stay in `<folder>/superseded/<model-id>/<data_crc>.caew`, and the decoder takes the one whose fingerprint
// matches the file's header.
extension CaecCodec {
    /// Whether this codec's weights made the file `info` describes: same model code, a quality the model has, and
    /// the header's fingerprint equal to these weights' fingerprint at that quality (Spec/cae-format.md §7).
    public func matches(_ info: CaecFileInfo) -> Bool {
        let quality = info.exactQuality
        return info.header.modelCode == model.modelCode && model.contains(quality)
            && info.fingerprint == model.fingerprint(quality: quality)
    }

    /// Loads the weights that made the file `info` describes, from the first folder of `searchPaths` that has
    /// `<folder>/<model-id>.caew`: that file (the model's current weights) if its fingerprint matches the header's,
    /// else the first of `<folder>/superseded/<model-id>/<crc>.caew`, in name order, whose `crc` (eight lowercase
    /// hexadecimal digits, the weights' `data_crc`) gives the header's fingerprint (Spec/model-weights.md §8).
    ///
    /// ```swift
    /// let info = try Caec.peek(file)
    /// let codec = try CaecCodec(decoding: info, searchPaths: ["/usr/local/share/caec/Models"])
    /// let image = try codec.decode(file, info: info)
    /// ```
    ///
    /// - Throws: `CaecError` `.modelMismatch` for a model code this caec does not know, or when no kept weights
    ///   have the file's fingerprint; `.modelNotFound` when no folder has the model's weights; `.invalidModel`
    ///   when a weights file cannot be read or checked, or its `data_crc` is not the one its name says.
    public init(decoding info: CaecFileInfo, searchPaths: [String]) throws(CaecError) {
        guard let modelID = info.modelID else {
            throw CaecError(.modelMismatch, "unknown model code \(info.modelCode): this caec does not know it")
        }
        guard Self.isValidModelID(modelID) else {
            throw CaecError(.modelMismatch, "unknown model '\(modelID)'")
        }
        let (current, folder) = try Self.load(modelID: modelID, searchPaths: searchPaths)
        if current.matches(info) {
            self = current
            return
        }
        let directory = Self.join(Self.join(folder, "superseded"), modelID)
        let names = WeightsFileReader.names(in: directory)
        for name in names {
            guard let crc = Self.weightsCRC(fileName: name),
                CodecModel.fingerprint(weightsCRC: crc, quality: info.exactQuality) == info.fingerprint
            else { continue }
            let path = Self.join(directory, name)
            guard let bytes = try Self.weightsBytes(at: path) else { continue }
            let codec: CaecCodec
            do { codec = try CaecCodec(weights: bytes) } catch {
                throw CaecError(.invalidModel, "\(path): \(error.message)")
            }
            guard codec.modelID == modelID, codec.model.weightsCRC == crc else {
                throw CaecError(
                    .invalidModel, "\(path): holds other weights than its name says (model '\(codec.modelID)')")
            }
            guard codec.matches(info) else { continue }
            self = codec
            return
        }
        throw CaecError(
            .modelMismatch,
            "fingerprint mismatch: the file was made by \(modelID) weights that are neither the current ones nor kept "
                + "in \(directory) (\(names.count) file\(names.count == 1 ? "" : "s") there)")
    }

    /// `folder/name`, with one slash.
    fileprivate static func join(_ folder: String, _ name: String) -> String {
        (folder.hasSuffix("/") ? folder : folder + "/") + name
    }

    /// The `data_crc` a superseded weights file's name gives: `<8 lowercase hex digits>.caew`, else nil.
    package static func weightsCRC(fileName name: String) -> UInt32? {
        let utf8 = Array(name.utf8)
        guard utf8.count == 13, name.hasSuffix(".caew") else { return nil }
        var crc: UInt32 = 0
        for c in utf8.prefix(8) {
            switch c {
            case 0x30...0x39: crc = crc << 4 | UInt32(c - 0x30)
            case 0x61...0x66: crc = crc << 4 | UInt32(c - 0x61 + 10)
            default: return nil
            }
        }
        return crc
    }
}
