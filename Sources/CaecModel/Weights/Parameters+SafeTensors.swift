extension Parameters {
    /// Whether the key names a GDN parameter, whose interchange value is the effective one (Spec/safetensors.md
    /// §4), and the reparametrisation's minimum for it.
    package static func gdnMinimum(forKey name: String) -> Float? {
        if name.hasSuffix(".beta") { return GDNLayer.betaMinimum }
        if name.hasSuffix(".gamma") { return 0 }
        return nil
    }

    /// Loads a safetensors interchange file (Spec/safetensors.md §4) into the layout of `specs`: every key of the
    /// table must be in the file with its exact shape, and the file may hold no other tensor except those named in
    /// `ignoring` (such as CompressAI's `entropy_bottleneck.quantiles`). GDN values (`*.beta`, `*.gamma`) are
    /// effective in the file and converted to caec's stored reparametrisation (`GDNLayer.storedValue`).
    ///
    /// - Throws: `WeightsError.missingTensor`, `.unexpectedTensor` or `.shapeMismatch` (the file's values are
    ///   already known finite: `SafeTensors(parsing:)` refuses NaN and infinities).
    package init(loading file: SafeTensors, specs: [ParameterSpec], ignoring ignored: Set<String> = [])
        throws(WeightsError)
    {
        var byName: [String: SafeTensors.Entry] = [:]
        for tensor in file.tensors where !ignored.contains(tensor.name) { byName[tensor.name] = tensor }
        for spec in specs where byName[spec.name] == nil { throw .missingTensor(spec.name) }
        let known = Set(specs.map(\.name))
        if let extra = file.tensors.first(where: { !known.contains($0.name) && !ignored.contains($0.name) }) {
            throw .unexpectedTensor(extra.name)
        }
        for spec in specs where byName[spec.name]!.shape != spec.shape {
            throw .shapeMismatch(name: spec.name, expected: spec.shape, found: byName[spec.name]!.shape)
        }
        self.init(zeroed: specs)  // after the shapes: the file's tensors bound what is allocated
        for spec in specs {
            var data = byName[spec.name]!.values
            if let minimum = Self.gdnMinimum(forKey: spec.name) {
                for i in data.indices { data[i] = GDNLayer.storedValue(effective: data[i], minimum: minimum) }
            }
            let offset = offsets[spec.name]!
            values.replaceSubrange(offset..<offset + spec.count, with: data)
        }
    }

    /// These parameters as a safetensors interchange file (Spec/safetensors.md §4), in key-table order, GDN values
    /// effective, with `metadata` (which should name the model: `format`, `arch`, widths...).
    package func safeTensors(metadata: [String: String] = [:]) -> SafeTensors {
        let tensors = specs.map { spec in
            let offset = offsets[spec.name]!
            var data = Array(values[offset..<offset + spec.count])
            if let minimum = Self.gdnMinimum(forKey: spec.name) {
                for i in data.indices { data[i] = GDNLayer.effectiveValue(stored: data[i], minimum: minimum) }
            }
            return SafeTensors.Entry(name: spec.name, shape: spec.shape, values: data)
        }
        return SafeTensors(tensors: tensors, metadata: metadata)
    }
}
