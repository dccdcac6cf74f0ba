extension Parameters {
    /// The weights file holding these parameters under `modelID`, in key-table order.
    package func weightsFile(modelID: String, metadata: [(key: String, value: String)] = []) -> WeightsFile {
        let tensors = specs.map { spec in
            let offset = offsets[spec.name]!
            return NamedTensor(
                name: spec.name, kind: spec.kind, shape: spec.shape,
                storage: .float32(Array(values[offset..<offset + spec.count])))
        }
        return WeightsFile(modelID: modelID, metadata: metadata, tensors: tensors)
    }

    /// The first NaN or infinity in `values`, as the key it belongs to and the element's index within that key,
    /// or `nil` when every value is finite.
    package func firstNonFinite() -> (name: String, index: Int)? {
        guard let position = values.firstIndex(where: { !$0.isFinite }) else { return nil }
        for spec in specs {
            let offset = offsets[spec.name]!
            if position >= offset && position < offset + spec.count { return (spec.name, position - offset) }
        }
        return nil
    }

    /// Loads `file` into the layout of `specs`, checking the model id and that names, kinds, element types and
    /// shapes equal the key table exactly (Spec/model-weights.md §4, checks 6-7). There is no lenient mode.
    package init(loading file: WeightsFile, modelID: String, specs: [ParameterSpec]) throws(WeightsError) {
        guard file.modelID == modelID else { throw .wrongModel(expected: modelID, found: file.modelID) }
        var byName: [String: NamedTensor] = [:]
        let modelTensors = file.tensors.filter { !CodecTensors.isCodecTensor($0.name) }
        for tensor in modelTensors { byName[tensor.name] = tensor }
        for spec in specs where byName[spec.name] == nil { throw .missingTensor(spec.name) }
        let known = Set(specs.map(\.name))
        if let extra = modelTensors.first(where: { !known.contains($0.name) }) { throw .unexpectedTensor(extra.name) }
        // Every shape is checked before the layout is allocated: `specs` may come from a file's own metadata (an
        // imported model's widths), and must not make a small file allocate more than its tensors hold.
        for spec in specs {
            let tensor = byName[spec.name]!
            guard tensor.shape == spec.shape else {
                throw .shapeMismatch(name: spec.name, expected: spec.shape, found: tensor.shape)
            }
            guard tensor.kind == spec.kind, case .float32 = tensor.storage else { throw .typeMismatch(name: spec.name) }
        }
        self.init(zeroed: specs)
        for spec in specs {
            guard case .float32(let data) = byName[spec.name]!.storage else { continue }
            let offset = offsets[spec.name]!
            values.replaceSubrange(offset..<offset + spec.count, with: data)
        }
    }
}
