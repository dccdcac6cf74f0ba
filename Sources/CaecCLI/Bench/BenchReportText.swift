import CaecCore
import CaecTensor
import CaecTrain

// The text `caec bench` prints for each benchmark's record: one figure per field, decimals fixed, the processor
// and BLAS core beside every speed figure.

private func decimal(_ value: Double, _ digits: Int = 1) -> String { NumberFormat.fixed(value, digits) }

extension SgemmPeak {
    /// "sgemm 1024^3 (1 thread): 30.1 ms, 71.3 GFLOP/s" or "sgemm 1024^3 on 2 workers at once: ... in total".
    var text: String {
        var line =
            workers == 1
            ? "sgemm \(size)^3 (1 thread): \(decimal(milliseconds)) ms, \(decimal(gflopsPerSecond)) GFLOP/s"
            : "sgemm \(size)^3 on \(workers) workers at once: \(decimal(milliseconds)) ms, "
                + "\(decimal(gflopsPerSecond)) GFLOP/s in total"
        if let gflopsPerCPUSecond { line += ", \(decimal(gflopsPerCPUSecond)) GFLOP/CPU-s" }
        return line
    }
}

extension TensorBenchmark.Report {
    var lines: [String] {
        var lines = ["\(machine.summary), workers: \(maxWorkers)"] + sgemm.map(\.text)
        func runs(_ kind: String, _ runs: [TensorBenchmark.KernelRun]) -> [String] {
            runs.map {
                "\(kind) forward, \($0.workers) worker(s): \(decimal($0.milliseconds)) ms, "
                    + "\(decimal($0.gflopsPerSecond)) GFLOP/s, \(decimal($0.percentOfSgemm))% of sgemm on "
                    + "\($0.workers) worker(s)"
            }
        }
        let c = convolution
        lines.append(
            "conv \(c.kernelSize)x\(c.kernelSize)/\(c.stride) \(c.channels)->\(c.channels) on \(c.width)x\(c.height): "
                + "\(c.macs) MACs, output \(c.outputWidth)x\(c.outputHeight)")
        lines += runs("conv", c.runs)
        let t = transposedConvolution
        lines.append(
            "deconv \(t.kernelSize)x\(t.kernelSize)/\(t.stride) \(t.channels)->\(t.channels) from "
                + "\(t.outputWidth)x\(t.outputHeight) to \(t.width)x\(t.height): \(t.macs) MACs")
        lines += runs("deconv", t.runs)
        lines.append("gdn \(gdn.channels) channels on \(gdn.width)x\(gdn.height): \(gdn.macs) MACs")
        lines.append("gdn forward, reference (1 thread): \(decimal(gdn.referenceMilliseconds)) ms")
        lines += gdn.portable.map {
            "gdn forward, portable, \($0.workers) worker(s): \(decimal($0.milliseconds)) ms, "
                + "\(decimal($0.speedUp))x the reference, bit-identical: \($0.bitIdentical)"
        }
        lines.append(
            "gdn forward, fast, \(gdn.fastWorkers) worker(s): \(decimal(gdn.fastMilliseconds)) ms, "
                + "\(decimal(gdn.fastSpeedUp))x the reference")
        return lines
    }
}

extension ModelBenchmark.Report {
    var lines: [String] {
        var lines = ["\(modelID) at batch \(batch), per layer (forward, fast path):"]
        for layer in layers {
            var line =
                "  \(layer.name) \(layer.inputShape.map(String.init).joined(separator: "x")) -> "
                + "\(layer.outputShape.map(String.init).joined(separator: "x")): \(decimal(layer.milliseconds, 2)) ms"
            if let macs = layer.macs, let rate = layer.gflopsPerSecond {
                line += ", \(macs) MACs, \(decimal(rate)) GFLOP/s"
                if let share = layer.percentOfSgemm { line += " (\(decimal(share, 0))% of sgemm)" }
            }
            lines.append(line)
        }
        lines.append("  all convolutions: \(decimal(convolutionGFLOPsPerSecond)) GFLOP/s")
        lines.append("\(modelID) forward: \(decimal(forwardImagesPerSecond, 0)) images/s")
        lines.append("\(modelID) forward + backward: \(decimal(trainingStepImagesPerSecond, 0)) images/s")
        return lines
    }
}

extension TrainingBenchmark.Report {
    var lines: [String] {
        var lines = [machine.summary, sgemm.text]
        lines.append(
            "\(modelID) training step, batch \(batchSize) of \(side)x\(side): \(macsPerImage) MACs/image "
                + "forward, \(decimal(flopsPerImage / 1e6)) MFLOP/image forward+backward")
        lines += steps.map {
            "\($0.workers) worker(s): \(decimal($0.milliseconds)) ms/step, \(decimal($0.imagesPerSecond)) images/s, "
                + "\(decimal($0.imagesPerCPUSecond)) images/CPU-s, \(decimal($0.gflopsPerSecond)) GFLOP/s, "
                + "\(decimal($0.gflopsPerCPUSecond)) GFLOP/CPU-s "
                + "(\(decimal($0.percentOfSgemmPerCPUSecond))% of sgemm per CPU-second)"
        }
        return lines
    }
}

extension RateDistortionProfile.Report {
    /// A table; `clock` names the time measured ("wall", "CPU (both workers)").
    func lines(clock: String) -> [String] {
        func cell(_ value: Double) -> String {
            let text = decimal(value)
            return String(repeating: " ", count: max(0, 9 - text.count)) + text
        }
        var lines = [
            "\(modelID), \(batchSize) crops of \(side)x\(side), \(clock) time:",
            "sgemm \(sgemm.size)^3, one thread: \(cell(sgemm.gflopsPerSecond)) GFLOP/s",
            "kind           forward ms  backward ms  share   GFLOP/s (fwd+bwd = 3x fwd MACs x 2)",
        ]
        for row in rows {
            let name = row.kind + String(repeating: " ", count: max(0, 14 - row.kind.count))
            lines.append(
                name + "  " + cell(row.forwardMilliseconds) + "  " + cell(row.backwardMilliseconds) + "  "
                    + cell(row.percentOfStep) + "%  " + (row.gflopsPerSecond.map(cell) ?? ""))
        }
        lines.append("step total     \(cell(stepMilliseconds)) ms, \(cell(stepsPerSecond)) steps/s")
        return lines
    }
}
