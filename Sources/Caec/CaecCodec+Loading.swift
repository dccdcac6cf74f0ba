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
        var tried: [String] = []
        for folder in searchPaths {
            let base = folder.isEmpty ? "." : folder
            let path = (base.hasSuffix("/") ? base : base + "/") + modelID + ".caew"
            tried.append(path)
            switch WeightsFileReader.contents(of: path) {
            case .absent:
                continue
            case .unreadable(let reason):
                throw CaecError(.invalidModel, "\(path): cannot read weights: \(reason)")
            case .bytes(let bytes):
                do { try self.init(weights: bytes) } catch {
                    throw CaecError(.invalidModel, "\(path): \(error.message)")
                }
                guard self.modelID == modelID else {
                    throw CaecError(.invalidModel, "\(path): holds the weights of '\(self.modelID)', not '\(modelID)'")
                }
                return
            }
        }
        throw CaecError(
            .modelNotFound,
            "weights for model '\(modelID)' not found; tried "
                + (tried.isEmpty ? "no folder (the search path is empty)" : tried.joined(separator: ", ")))
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
