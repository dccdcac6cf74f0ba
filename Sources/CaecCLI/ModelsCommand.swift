import ArgumentParser
import Caec
import CaecModel

/// `caec models`: the registered models and their shipped weights.
struct ModelsCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models caec knows, with their rates, qualities and weights files."
    )

    @OptionGroup var modelsOption: ModelsOption

    func execute() throws(CLIFailure) {
        let store = modelsOption.store
        print("models folder: \(store.directory)")
        print("id            kind            rate  params   qualities  weights")
        for id in ModelRegistry.allIDs {
            let specs = ModelRegistry.parameterSpecs(id)!
            let parameters = specs.filter { $0.kind == .parameter }.reduce(0) { $0 + $1.count }
            let path = store.path(id)
            var kind = "classifier"
            var rate = "-"
            var qualities = "-"
            if let autoencoder = ModelRegistry.autoencoder(id) {
                kind = "autoencoder"
                rate = "\(autoencoder.rate)"
            } else if ModelRegistry.rateDistortion(id) != nil {
                kind = "rate-distortion"
                rate = "16"
            } else if ModelRegistry.hyperprior(id) != nil {
                kind = "hyperprior"
                rate = "16"
            }
            var weights = "missing"
            if FileSystem.exists(path) {
                let bytes = try FileInput.read(path)
                weights = "\(path) (\(bytes.count / 1024) KiB)"
                if kind != "classifier" {
                    if let codec = try? CaecCodec(weights: bytes) {
                        qualities = "\(codec.qualities.lowerBound)-\(codec.qualities.upperBound)"
                    } else {
                        qualities = "uncalibrated"
                    }
                }
            }
            print(
                id.padding(14) + kind.padding(16) + rate.padding(6) + "\(parameters)".padding(9)
                    + qualities.padding(11) + weights)
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
