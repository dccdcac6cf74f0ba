import Testing

/// Records a test issue unless `actual` is close to `expected` (see `closeness(_:_:maxAbs:nmse:)`).
public func expectClose(
    _ actual: [Float], _ expected: [Float], maxAbs: Float, nmse: Float = .infinity,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    if let failure = closeness(actual, expected, maxAbs: maxAbs, nmse: nmse) {
        Issue.record(Comment(rawValue: failure), sourceLocation: sourceLocation)
    }
}
