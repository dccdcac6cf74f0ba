import CaecModel
import CaecTensor
import CaecTestSupport
import Testing

/// Training-mode pullbacks of the composite and normalisation layers against central finite differences of
/// `L = sum(weights * layer.forwardTraining(x))`, accumulated in Float64.
@Suite struct LayerGradientTests {
    /// Checks dL/dx and dL/dParameters (trainable entries only) of `layer` at `input`.
    func checkGradients(
        _ layer: some Layer, input: Tensor, seed: UInt64, step: Float = 1e-2, relative: Float = 3e-3,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var random = SeededRandom(seed: seed)
        var parameters = Parameters(specs: layer.parameterSpecs, seed: seed)
        // Move BN scales and shifts off their initial 1 and 0 so that their gradients are exercised in general.
        for spec in parameters.specs where spec.kind == .parameter {
            let offset = parameters.offset(of: spec.name)
            for i in 0..<spec.count { parameters.values[offset + i] += random.float(in: -0.5..<0.5) }
        }
        var probe = parameters
        let output = layer.forwardTraining(input, &probe).output
        let weights = Tensor(shape: output.shape, data: random.floats(output.count))
        func loss(_ x: Tensor, _ values: [Float]) -> Double {
            var p = parameters
            p.values = values
            let y = layer.forwardTraining(x, &p).output
            var total: Double = 0
            for i in 0..<y.count { total += Double(y.data[i]) * Double(weights.data[i]) }
            return total
        }
        var training = parameters
        let (_, pullback) = layer.forwardTraining(input, &training)
        var gradients = [Float](repeating: 0, count: parameters.count)
        let dInput = pullback(weights, &gradients)

        var numericInput = [Float](repeating: 0, count: input.count)
        var x = input
        for i in 0..<input.count {
            x.data[i] = input.data[i] + step
            let plus = loss(x, parameters.values)
            x.data[i] = input.data[i] - step
            let minus = loss(x, parameters.values)
            x.data[i] = input.data[i]
            numericInput[i] = Float((plus - minus) / (2 * Double(step)))
        }
        let inputScale = numericInput.reduce(1) { max($0, abs($1)) }
        expectClose(dInput.data, numericInput, maxAbs: relative * inputScale, sourceLocation: sourceLocation)

        let mask = parameters.trainableMask
        var numericParameters = [Float](repeating: 0, count: parameters.count)
        var values = parameters.values
        for i in 0..<values.count where mask[i] != 0 {
            values[i] = parameters.values[i] + step
            let plus = loss(input, values)
            values[i] = parameters.values[i] - step
            let minus = loss(input, values)
            values[i] = parameters.values[i]
            numericParameters[i] = Float((plus - minus) / (2 * Double(step)))
        }
        let parameterScale = numericParameters.reduce(1) { max($0, abs($1)) }
        expectClose(
            zip(gradients, mask).map { $0 * $1 }, numericParameters, maxAbs: relative * parameterScale,
            sourceLocation: sourceLocation)
    }

    @Test func batchNorm2DBackwardMatchesFiniteDifferences() {
        var random = SeededRandom(seed: 5100)
        let x = Tensor(shape: [3, 4, 3, 2], data: random.floats(72, in: -2..<2))
        checkGradients(BatchNorm2D("bn", channels: 4), input: x, seed: 5101)
    }

    @Test func residualBlockBackwardMatchesFiniteDifferences() {
        var random = SeededRandom(seed: 5200)
        let x = Tensor(shape: [2, 3, 5, 4], data: random.floats(120, in: -1..<1))
        let block = Residual([
            Conv2D("res.0.conv", inChannels: 3, outChannels: 3, kernelSize: 3, padding: 1, bias: false),
            BatchNorm2D("res.0.bn", channels: 3),
            Conv2D("res.1.conv", inChannels: 3, outChannels: 3, kernelSize: 3, padding: 1),
        ])
        #expect(
            block.parameterSpecs.map(\.name) == [
                "res.0.conv.weight", "res.0.bn.weight", "res.0.bn.bias", "res.0.bn.running_mean",
                "res.0.bn.running_var", "res.1.conv.weight", "res.1.conv.bias",
            ])
        checkGradients(block, input: x, seed: 5201)
    }

    @Test func residualAddsTheShortcut() {
        // A body that outputs zeros (a bias-free conv with zero weights) makes the block the identity, and its
        // pullback passes the gradient straight through.
        let block = Residual([Conv2D("c", inChannels: 2, outChannels: 2, kernelSize: 1, bias: false)])
        var parameters = Parameters(specs: block.parameterSpecs, seed: 1)
        parameters.values = [Float](repeating: 0, count: parameters.count)
        let x = Tensor(shape: [1, 2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(block.forward(x, parameters) == x)
        let (y, pullback) = block.forwardTraining(x, &parameters)
        #expect(y == x)
        var gradients = [Float](repeating: 0, count: parameters.count)
        let dy = Tensor(shape: x.shape, data: [1, -1, 2, -2, 3, -3, 4, -4])
        #expect(pullback(dy, &gradients) == dy)
    }

    @Test func globalAvgPoolAndScale() {
        let x = Tensor(shape: [2, 2, 1, 2], data: [1, 3, 5, 7, -1, -3, 0, 2])
        let pool = GlobalAvgPool()
        var parameters = Parameters(specs: [], seed: 1)
        let (y, pullback) = pool.forwardTraining(x, &parameters)
        #expect(y == Tensor(shape: [2, 2], data: [2, 6, -2, 1]))
        var gradients: [Float] = []
        #expect(pullback(Tensor(shape: [2, 2], data: [2, 4, 6, 8]), &gradients).data == [1, 1, 2, 2, 3, 3, 4, 4])
        let (z, scalePullback) = Scale(0.5).forwardTraining(y, &parameters)
        #expect(z.data == [1, 3, -1, 0.5])
        #expect(scalePullback(y, &gradients).data == [1, 3, -1, 0.5])
    }
}

@Suite struct BatchNorm2DModeTests {
    @Test func keysKindsAndInitialValues() {
        let bn = BatchNorm2D("layer1.bn", channels: 3)
        let parameters = Parameters(specs: bn.parameterSpecs, seed: 1)
        #expect(
            bn.parameterSpecs.map(\.name) == [
                "layer1.bn.weight", "layer1.bn.bias", "layer1.bn.running_mean", "layer1.bn.running_var",
            ])
        #expect(bn.parameterSpecs.map(\.kind) == [.parameter, .parameter, .buffer, .buffer])
        #expect(parameters.values == [1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1])
        #expect(parameters.trainableCount == 6)
    }

    @Test func trainingUpdatesRunningStatisticsAndInferenceUsesThem() {
        let bn = BatchNorm2D("bn", channels: 1, momentum: 0.5)
        var parameters = Parameters(specs: bn.parameterSpecs, seed: 1)
        // One channel, values 1, 2, 3, 4: batch mean 2.5, biased variance 1.25, unbiased 5/3.
        let x = Tensor(shape: [2, 1, 1, 2], data: [1, 2, 3, 4])
        let (y, _) = bn.forwardTraining(x, &parameters)
        let inverseStd = 1 / (1.25 + 1e-5 as Float).squareRoot()
        expectClose(y.data, [-1.5, -0.5, 0.5, 1.5].map { $0 * inverseStd }, maxAbs: 1e-5)
        expectClose(parameters.tensor("bn.running_mean").data, [1.25], maxAbs: 1e-6)
        expectClose(parameters.tensor("bn.running_var").data, [0.5 + 0.5 * 5 / 3], maxAbs: 1e-6)
        // Inference normalises with the running statistics, not with the batch's own.
        let expected = [1, 2, 3, 4].map { (Float($0) - 1.25) / (0.5 + 2.5 / 3 + 1e-5 as Float).squareRoot() }
        expectClose(bn.forward(x, parameters).data, expected, maxAbs: 1e-5)
        // A batch of one value per channel is fine in inference mode.
        #expect(bn.forward(Tensor(shape: [1, 1, 1, 1], data: [1.25]), parameters).data == [0])
    }
}
