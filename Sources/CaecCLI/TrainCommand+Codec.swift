import Caec
import CaecCore
import CaecImageIO
import CaecModel
import CaecTensor
import CaecTrain

#if canImport(Glibc)
    import Glibc
#endif

/// `caec train --model bmshj-f-vr --codec-eval DIR`: builds the codec's tables from a trained run and measures
/// real bytes and PSNR on every PNG of DIR at every quality.
extension TrainCommand {
    func executeCodecEvaluation(_ model: RateDistortionModel, directory: String) throws(CLIFailure) {
        let runDirectory = out ?? "runs/\(model.id)"
        let finalPath = runDirectory + "/\(model.id).caew"
        let path = FileSystem.exists(finalPath) ? finalPath : runDirectory + "/checkpoint.caew"
        let parameters: Parameters
        var file: WeightsFile
        do {
            file = try WeightsFile(parsing: try FileInput.read(path))
            file.tensors.removeAll { $0.name.hasPrefix("optimizer.") || $0.name.hasPrefix(codecPrefix) }
            parameters = try Parameters(loading: file, modelID: model.id, specs: model.parameterSpecs)
        } catch let error as CLIFailure {
            throw error
        } catch {
            throw CLIFailure(.model, path: path, "\(error)")
        }
        warmUpBLAS()
        let coder = RateDistortionCoder(model: model, parameters: parameters)
        file.tensors += coder.codecTensors()
        let codecPath = runDirectory + "/\(model.id)-codec.caew"
        try SafeOutput(path: codecPath, force: true).write(file.serialized(), inputs: [])
        printError(
            "caec: wrote \(codecPath) (step \(file.metadata("checkpoint_step") ?? file.metadata("steps") ?? "?"))")

        let names = try Self.pngFiles(directory)
        var bits = [Double](repeating: 0, count: model.qualities)
        var mse = [Double](repeating: 0, count: model.qualities)
        var psnrSum = [Double](repeating: 0, count: model.qualities)
        var pixels = 0.0
        var rows = ["image,quality,bytes,bpp,psnr"]
        for name in names {
            let image: RGBImage
            do { image = try ImageReader.read(try FileInput.read(directory + "/" + name)) } catch let error
                as CLIFailure
            {
                throw error
            } catch {
                throw CLIFailure(.badInput, path: directory + "/" + name, "\(error)")
            }
            let payloads = coder.encodeAllQualities(image)
            let count = Double(image.pixelCount)
            pixels += count
            for (q, payload) in payloads.enumerated() {
                let decoded: RGBImage
                do {
                    decoded = try coder.decodeImage(payload, width: image.width, height: image.height, quality: q)
                } catch {
                    throw CLIFailure(.internalError, path: name, "decode failed: \(error)")
                }
                var squares = 0.0
                for i in image.pixels.indices {
                    let d = Double(image.pixels[i]) - Double(decoded.pixels[i])
                    squares += d * d
                }
                let imageMSE = squares / (3 * count)
                let psnr = 10 * log10(255 * 255 / max(imageMSE, 1e-12))
                bits[q] += Double(payload.count * 8)
                mse[q] += imageMSE
                psnrSum[q] += psnr
                rows.append(
                    "\(name),\(q + 1),\(payload.count),\(fixed(Double(payload.count * 8) / count, 4)),\(fixed(psnr, 3))"
                )
            }
        }
        try SafeOutput(path: runDirectory + "/codec-eval.csv", force: true).write(
            Array((rows.joined(separator: "\n") + "\n").utf8), inputs: [])
        let n = Double(max(names.count, 1))
        print("quality  bpp (payload bytes)  mean PSNR  (\(names.count) images of \(directory))")
        for q in 0..<model.qualities {
            print("q\(q + 1)       \(fixed(bits[q] / pixels, 4))               \(fixed(psnrSum[q] / n, 3)) dB")
        }
    }

    /// Names of the `.png` files in `directory`, sorted.
    static func pngFiles(_ directory: String) throws(CLIFailure) -> [String] {
        guard let handle = opendir(directory) else { throw CLIFailure(.missingInput, path: directory, "cannot list") }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasSuffix(".png") { names.append(name) }
        }
        return names.sorted()
    }
}
