import CaecFuzzing

/// libFuzzer's entry point (built with `--sanitize=fuzzer`; see Fuzz/README.md).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWeights(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = FuzzTargets.weights(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
