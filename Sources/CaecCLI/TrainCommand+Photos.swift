import CaecCore
import CaecImageIO
import CaecModel
import CaecTensor
import CaecTrain

#if canImport(Glibc)
    import Glibc
#endif

/// `caec train --model bmshj-f-vr --photos DIR`: rate-distortion training on random crops of photographs.
extension TrainCommand {
    /// Photos held out of training for the evaluation curves: this many, evenly spaced in the manifest's order.
    static let heldOutPhotos = 8

    func executePhotos(_ model: RateDistortionModel) throws(CLIFailure) {
        KeepFreedMemory.apply()
        if let codecEval { return try executeCodecEvaluation(model, directory: codecEval) }
        if profile {
            warmUpBLAS()
            // CPU time of the whole process (both workers), so that other jobs on the machine do not inflate it.
            let cpuClock = {
                var now = timespec()
                clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
                return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
            }
            for (name, clock) in [("wall", Clock.seconds), ("CPU (both workers)", cpuClock)] {
                print("\(model.id), \(batch ?? 16) crops of \(crop)x\(crop), \(name) time:")
                let rows = RateDistortionProfile.run(
                    model: model, batchSize: batch ?? 16, side: crop, repetitions: 5, clock: clock)
                for row in rows { print(row) }
            }
            return
        }
        guard let photos else {
            throw CLIFailure(.usage, path: nil, "\(model.id) trains on photographs: pass --photos DIR")
        }
        if steps == nil && minutes == nil {
            throw CLIFailure(.usage, path: nil, "pass --minutes M or --steps S for \(model.id)")
        }
        var configuration = RateDistortionTrainingConfiguration(
            budget: steps.map { .steps($0) } ?? .seconds(minutes! * 60))
        if let batch { configuration.batchSize = batch }
        if let lr { configuration.learningRate = lr }
        configuration.finalLearningRate = configuration.learningRate / 10
        configuration.cropSide = crop
        configuration.seed = seed
        configuration.checkpointSeconds = checkpointMinutes * 60
        let (runDirectory, checkpointPath) = try prepareRunDirectory(defaultName: model.id)

        // Spec: photos-train/MANIFEST.tsv lists the files (first column, after a header row).
        let manifest = String(decoding: try FileInput.read(photos + "/MANIFEST.tsv"), as: UTF8.self)
        let names = manifest.split(separator: "\n").dropFirst().compactMap { $0.split(separator: "\t").first }
            .map(String.init).sorted()
        guard names.count > Self.heldOutPhotos else {
            throw CLIFailure(.badInput, path: photos, "needs more than \(Self.heldOutPhotos) photos")
        }
        let heldOutIndices = Set((0..<Self.heldOutPhotos).map { $0 * names.count / Self.heldOutPhotos })
        var training: [RGBImage] = []
        var heldOut: [RGBImage] = []
        for (index, name) in names.enumerated() {
            let path = photos + "/" + name
            let image: RGBImage
            do { image = try ImageReader.read(try FileInput.read(path)) } catch let error as CLIFailure {
                throw error
            } catch {
                throw CLIFailure(.badInput, path: path, "\(error)")
            }
            if heldOutIndices.contains(index) { heldOut.append(image) } else { training.append(image) }
        }
        let data = PhotoCropDataset(training)
        let evaluation = PhotoCropDataset(heldOut)
        let heldOutTensors = (0..<evaluation.count).map {
            evaluation.centerCrop($0, multiple: RateDistortionModel.rate)
        }
        warmUpBLAS()

        let objective = RateDistortionObjective(model)
        let trainer = RateDistortionTrainer(objective: objective, configuration: configuration)
        var state = trainer.initialState()
        var seconds = 0.0
        if let initFrom {
            let bytes = try FileInput.read(initFrom)
            do {
                state.parameters = try model.parameters(adapting: try WeightsFile(parsing: bytes))
            } catch {
                throw CLIFailure(.model, path: initFrom, error.description)
            }
            printError("caec: \(model.id) starts from \(initFrom)")
        }
        if resume {
            let bytes = try FileInput.read(checkpointPath)
            do {
                let file = try WeightsFile(parsing: bytes)
                state = try Checkpoint.restore(file, into: state, modelID: model.id, specs: model.parameterSpecs)
                seconds = file.metadata("train_seconds_elapsed").flatMap(Double.init) ?? 0
            } catch {
                throw CLIFailure(.model, path: checkpointPath, error.description)
            }
            printError("caec: resuming \(model.id) at step \(state.step) (\(formatDuration(seconds)) trained)")
        }
        let budget = steps.map { "--steps \($0)" } ?? "--minutes \(minutes!)"
        let commandLine =
            "caec train --model \(model.id) --photos \(photos) \(budget) --batch \(configuration.batchSize) "
            + "--crop \(crop) --lr \(configuration.learningRate) --seed \(seed)"
            + (initFrom.map { " --init-from \($0)" } ?? "")
        let lambdas = model.lambdas.map { "\($0)" }.joined(separator: " ")
        let settings: [(key: String, value: String)] = [
            ("trained_by", commandLine), ("batch", "\(configuration.batchSize)"), ("crop", "\(crop)"),
            ("lr", "\(configuration.learningRate)"), ("seed", "\(seed)"), ("optimizer", "adam"),
            ("lambdas", lambdas), ("training_images", "\(data.count)"),
        ]

        var lossLog = try CSVLog(
            path: runDirectory + "/loss.csv", header: "step,seconds,loss,bpp,mse,psnr,lr,grad_norm,steps_per_second",
            append: resume)
        let header = (1...model.qualities).map { "bpp_q\($0),psnr_q\($0)" }.joined(separator: ",")
        var evalLog = try CSVLog(path: runDirectory + "/heldout.csv", header: "step,seconds," + header, append: resume)
        var progress = ProgressLine(interval: 30)
        var failure: CLIFailure?
        let result = trainer.run(
            from: state, seconds: seconds, data: data, heldOut: heldOutTensors, clock: Clock.seconds,
            report: { event in
                switch event {
                case .progress(let step, let seconds, let figures, let rate, let norm, let speed):
                    let psnr = PSNR.decibels(mse: max(Double(figures.mse), 1e-12), peak: 1)
                    lossLog.append(
                        "\(step),\(NumberFormat.fixed(seconds, 1)),\(figures.loss),\(figures.bpp),\(figures.mse),\(NumberFormat.fixed(psnr, 3)),"
                            + "\(rate),\(norm),\(NumberFormat.fixed(speed, 3))")
                    progress.update(
                        "\(model.id) step \(step) \(formatDuration(seconds))  loss \(NumberFormat.fixed(Double(figures.loss), 4))  "
                            + "bpp \(NumberFormat.fixed(Double(figures.bpp), 3))  PSNR \(NumberFormat.fixed(psnr, 2))  lr \(rate)  "
                            + "\(NumberFormat.fixed(speed, 2)) steps/s")
                case .evaluation(let step, let seconds, let qualities):
                    evalLog.append(
                        "\(step),\(NumberFormat.fixed(seconds, 1)),"
                            + qualities.map { "\(NumberFormat.fixed($0.bpp, 4)),\(NumberFormat.fixed($0.psnr, 3))" }
                            .joined(separator: ","))
                    progress.finish(
                        "\(model.id) step \(step) held-out: "
                            + qualities.map {
                                "\(NumberFormat.fixed($0.bpp, 3)) bpp \(NumberFormat.fixed($0.psnr, 2)) dB"
                            }.joined(
                                separator: " | "))
                }
            },
            checkpoint: { state, seconds in
                guard failure == nil else { return }
                do throws(CLIFailure) {
                    let file = Checkpoint.file(
                        state, modelID: model.id,
                        metadata: settings + [("train_seconds_elapsed", "\(seconds)")])
                    try SafeOutput(path: checkpointPath, force: true).write(file.serialized(), inputs: [])
                    try lossLog.flush()
                    try evalLog.flush()
                } catch {
                    failure = error
                }
            })
        if let failure { throw failure }
        var metadata = settings
        metadata.append(("train_seconds", NumberFormat.fixed(result.seconds, 1)))
        metadata.append(("steps", "\(result.state.step)"))
        let weights = result.state.parameters.weightsFile(modelID: model.id, metadata: metadata)
        let weightsPath = runDirectory + "/\(model.id).caew"
        try SafeOutput(path: weightsPath, force: true).write(weights.serialized(), inputs: [])
        progress.finish("caec: wrote \(weightsPath) after \(result.state.step) steps")
    }
}

/// A training step allocates and frees the same few MB-sized buffers (activations, im2col columns, gradient
/// partials) thousands of times; by default glibc hands them back to the kernel and faults them in again, which
/// measured 12% of a step's CPU time in system time and about 20% of its total CPU time. These settings (glibc's
/// `mallopt`, also reachable as `MALLOC_MMAP_THRESHOLD_` / `MALLOC_TRIM_THRESHOLD_` / `MALLOC_TOP_PAD_`) keep freed
/// memory in the process. `<malloc.h>` is not in the Glibc module, hence the declaration by symbol name.
enum KeepFreedMemory {
    #if os(Linux)
        @_silgen_name("mallopt")
        private static func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
    #endif

    static func apply() {
        #if os(Linux)
            let (trimThreshold, topPad, mmapThreshold): (Int32, Int32, Int32) = (-1, -2, -3)  // <malloc.h> M_*
            _ = mallopt(mmapThreshold, 256 << 20)
            _ = mallopt(trimThreshold, 1 << 30)
            _ = mallopt(topPad, 64 << 20)
        #endif
    }
}
