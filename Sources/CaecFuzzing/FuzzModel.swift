import Caec

#if canImport(Glibc)
    import Glibc
#endif

/// Loads the codec the fuzz targets decode with: `$CAEC_FUZZ_MODEL`, else `Models/cae-r8.caew` from the working
/// directory (fuzzing runs from the repository root).
package enum FuzzModel {
    package static func load() -> CaecCodec {
        let path = getenv("CAEC_FUZZ_MODEL").map { String(cString: $0) } ?? "Models/cae-r8.caew"
        guard let file = fopen(path, "rb") else { fatalErrorNoModel(path) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n == 0 { break }
            bytes += buffer[0..<n]
        }
        guard let codec = try? CaecCodec(weights: bytes) else { fatalErrorNoModel(path) }
        return codec
    }

    private static func fatalErrorNoModel(_ path: String) -> Never {
        let message = "fuzz: cannot load the model \(path) (set CAEC_FUZZ_MODEL or run from the repository root)\n"
        message.withCString { _ = write(2, $0, strlen($0)) }
        exit(2)
    }
}
