import CaecFuzzing

nonisolated(unsafe) private var codec = FuzzModel.load()

/// libFuzzer's entry point (built with `--sanitize=fuzzer`; see Fuzz/README.md).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzContainer(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzTargets.container(Array(UnsafeBufferPointer(start: data, count: size)), codec: codec)
    return 0
}
