extension Tensor {
    /// Element-wise sum `a + b` of two tensors of the same shape.
    ///
    /// Backward: dL/da = dL/db = dL/dOutput (no kernel needed).
    package static func add(_ a: Tensor, _ b: Tensor, path: KernelPath = .fast) -> Tensor {
        precondition(a.shape == b.shape, "add: shapes \(a.shape) and \(b.shape) differ")
        return addScaled(a, b, scale: 1, path: path)
    }

    /// Element-wise `a + scale * b` (BLAS `axpy`) for tensors of the same shape.
    ///
    /// Backward: dL/da = dL/dOutput, dL/db = scale * dL/dOutput.
    package static func addScaled(_ a: Tensor, _ b: Tensor, scale: Float, path: KernelPath = .fast) -> Tensor {
        precondition(a.shape == b.shape, "addScaled: shapes \(a.shape) and \(b.shape) differ")
        var output = a
        switch path {
        case .reference, .portable:
            for i in 0..<output.count { output.data[i] += scale * b.data[i] }
        case .fast:
            output.data.withUnsafeMutableBufferPointer { y in
                b.data.withUnsafeBufferPointer { x in
                    for i in 0..<y.count { y[i] += scale * x[i] }
                }
            }
        }
        return output
    }

    /// Adds `other` (same shape) into `self`: gradient accumulation.
    package mutating func addInPlace(_ other: Tensor) {
        precondition(shape == other.shape, "addInPlace: shapes \(shape) and \(other.shape) differ")
        data.withUnsafeMutableBufferPointer { y in
            other.data.withUnsafeBufferPointer { x in
                for i in 0..<y.count { y[i] += x[i] }
            }
        }
    }

    /// Element-wise product `scale * a`.
    ///
    /// Backward: dL/da = scale * dL/dOutput.
    package static func scale(_ a: Tensor, by scale: Float, path: KernelPath = .fast) -> Tensor {
        var output = a
        switch path {
        case .reference, .portable:
            for i in 0..<output.count { output.data[i] *= scale }
        case .fast:
            output.data.withUnsafeMutableBufferPointer { y in
                for i in 0..<y.count { y[i] *= scale }
            }
        }
        return output
    }

    /// Element-wise (Hadamard) product `a * b` of two tensors of the same shape.
    ///
    /// Backward: dL/da = dL/dOutput * b, dL/db = dL/dOutput * a.
    package static func multiply(_ a: Tensor, _ b: Tensor, path: KernelPath = .fast) -> Tensor {
        precondition(a.shape == b.shape, "multiply: shapes \(a.shape) and \(b.shape) differ")
        var output = a
        switch path {
        case .reference, .portable:
            for i in 0..<output.count { output.data[i] *= b.data[i] }
        case .fast:
            output.data.withUnsafeMutableBufferPointer { y in
                b.data.withUnsafeBufferPointer { x in
                    for i in 0..<y.count { y[i] *= x[i] }
                }
            }
        }
        return output
    }

    /// Sum of all elements, accumulated in Float64.
    package func sum() -> Double {
        var total: Double = 0
        for value in data { total += Double(value) }
        return total
    }
}

/// Internal pointer loops shared by the fast kernels.
enum Elementwise {
    /// Sum of `count` floats with eight interleaved accumulators (vectorisable without reassociation; the order is
    /// fixed, so the result is reproducible).
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            lanes += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var total = lanes.sum()
        while i < count {
            total += x[i]
            i += 1
        }
        return total
    }

    /// `output[i] = sum_s partials[s * output.count + i]`, slices added in order 0, 1, ...
    static func sumSlices(_ partials: [Float], slices: Int, into output: inout [Float]) {
        let length = output.count
        precondition(partials.count == slices * length, "sumSlices: \(partials.count) != \(slices) x \(length)")
        partials.withUnsafeBufferPointer { p in
            output.withUnsafeMutableBufferPointer { y in
                for i in 0..<length { y[i] = 0 }
                for s in 0..<slices {
                    let slice = p.baseAddress! + s * length
                    for i in 0..<length { y[i] += slice[i] }
                }
            }
        }
    }
}
