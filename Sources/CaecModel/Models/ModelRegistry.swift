import CaecTensor

/// Every model caec knows, by stable string id (never by position in a list).
package enum ModelRegistry {
    /// The paper's autoencoders: encoder channels per block; the latent is always 32 channels.
    package static let autoencoderChannels: [(id: String, channels: [Int])] = [
        ("cae-r2", [32]),
        ("cae-r4", [16, 32]),
        ("cae-r8", [16, 32, 32]),
        ("cae-r16", [16, 32, 32, 32]),
    ]

    package static var autoencoderIDs: [String] { autoencoderChannels.map(\.id) }
    package static let classifierIDs = judgeClassifierIDs + [taskClassifierID]
    /// The classifiers that judge reconstructions (`caec experiment`, `caec compare --classifier`): no codec trains
    /// against them.
    package static let judgeClassifierIDs = ["lenet5", "resnet9-cifar", airbenchCIFARID]
    /// The strongest evaluation classifier: Jordan's airbench94 network (`Classifier.airbench`) at its published
    /// widths, 1,972,802 parameters (whitening filters and batch-norm scales included, fixed in training) and
    /// 118,147,360 multiply-accumulates per 32x32 image (a quarter more than `resnet9-cifar`).
    package static let airbenchCIFARID = "airbench-cifar"
    /// Block widths of `airbench-cifar`, as published.
    package static let airbenchCIFARWidths = [64, 256, 256]
    /// The classifier whose outputs train task-aware codecs (`cifar-task-vr`): a separate, cheaper network than the
    /// judges (`resnet9-cifar`, `lenet5`), which never see a reconstruction in training.
    package static let taskClassifierID = "resnet9-cifar-task"
    /// Widths (prep, layer1, layer2, layer3) of the `resnet9-cifar` evaluation classifier: Page's ResNet-9 at half
    /// width, 1,646,122 trainable parameters (+ 2,240 running statistics) and 95,259,136 multiply-accumulates per
    /// 32x32 image (full width is 6.6M parameters and 380M MACs, about 4x the training time on a 2-core machine).
    package static let resnet9CIFARWidths = [32, 64, 128, 256]
    /// Widths of `resnet9-cifar-task`, the training classifier of task-aware codecs: Page's ResNet-9 at quarter
    /// width, 412,954 trainable parameters and 24,036,608 multiply-accumulates per 32x32 image, trained with another
    /// seed than the judge.
    package static let resnet9CIFARTaskWidths = [16, 32, 64, 128]
    /// Rate-distortion models for photographs (trained with `caec train photos`) and for small images
    /// (`taskCodecIDs`, trained with `caec train cifar`).
    package static let rateDistortionIDs = ["bmshj-f-vr"] + taskCodecIDs
    /// Task-aware rate-distortion models for 32x32 images, trained on CIFAR-10 with a classifier's task term
    /// (`caec train cifar --model cifar-task-vr --classifier resnet9-cifar-task`).
    package static let taskCodecIDs = ["cifar-task-vr", "cifar-task-vr8"]
    /// Scale-hyperprior models for photographs (`caec train photos --init-from` a factorized model, or the narrower
    /// hyperprior for `bmshj-hp-vr-n128`).
    package static let hyperpriorIDs = ["bmshj-hp-vr", "bmshj-hp-vr-n128"]
    /// Models imported from CompressAI (`caec import compressai`): the id names the architecture, and the weights
    /// file's metadata gives the widths and the number of qualities (`CompressAIArchitecture`).
    package static let compressAIIDs = CompressAIArchitecture.Family.allCases.map(\.rawValue)
    package static var allIDs: [String] { autoencoderIDs + classifierIDs + rateDistortionIDs + hyperpriorIDs }

    /// The lambdas of `bmshj-f-vr`'s eight qualities (loss = bpp + lambda * 255^2 * MSE): CompressAI's
    /// bmshj2018-factorized lambdas of its qualities 1-6 (0.0018 ... 0.0483) as qualities 2-7, and one more at each
    /// end (0.0004 and 0.13), so that the ladder spans about 0.1 to 1.5 bpp on Kodak.
    package static let rateDistortionLambdas: [Float] = [
        0.0004, 0.0018, 0.0035, 0.0067, 0.0130, 0.0250, 0.0483, 0.1300,
    ]

    /// The lambdas of `cifar-task-vr`'s eight qualities (loss = bpp + lambda * 255^2 * (MSE + beta * task)):
    /// `bmshj-f-vr`'s qualities 1, 2, 4, 6, 7 and 8 (0.0004 ... 0.13; on CIFAR-10 it codes 0.29 to 1.75 bpp, its
    /// PSNR flattening at the top), and 0.4 and 1.2 above (factors of about 3), for the rates where classifiers
    /// agree 90-95% with the original (the JPEG scan needs 2.9 and 4.9 bpp).
    package static let taskCodecLambdas: [Float] = [0.0004, 0.0018, 0.0067, 0.025, 0.0483, 0.13, 0.4, 1.2]

    /// `bmshj-f-vr`: Ballé 2018 factorized prior, N = 64, M = 128, eight qualities in one model (gain vectors).
    /// `cifar-task-vr`: the same family and widths (so `caec train cifar --init-from` starts it from
    /// `bmshj-f-vr`'s weights), eight qualities of its own (`taskCodecLambdas`).
    /// `cifar-task-vr8`: `cifar-task-vr` with a stride-1 first convolution (and last synthesis one): a latent of
    /// (128, H/8, W/8), 2,048 numbers for a 32x32 image instead of 512; started from either model's weights.
    package static func rateDistortion(_ id: String, analysisPath: KernelPath = .fast) -> RateDistortionModel? {
        switch id {
        case "bmshj-f-vr":
            RateDistortionModel(id: id, n: 64, m: 128, lambdas: rateDistortionLambdas, analysisPath: analysisPath)
        case "cifar-task-vr":
            RateDistortionModel(id: id, n: 64, m: 128, lambdas: taskCodecLambdas, analysisPath: analysisPath)
        case "cifar-task-vr8":
            RateDistortionModel(
                id: id, n: 64, m: 128, lambdas: taskCodecLambdas, firstStride: 1, analysisPath: analysisPath)
        default: nil
        }
    }

    /// `bmshj-hp-vr`: Ballé 2018 scale hyperprior on `bmshj-f-vr`'s transforms and ladder, N = 64, M = 128.
    /// `bmshj-hp-vr-n128`: the same with g_a and g_s at N = 128 and h_a, h_s, z at `bmshj-hp-vr`'s width 64, so
    /// that `--init-from` widens `bmshj-hp-vr` into it without changing what it computes.
    package static func hyperprior(_ id: String, path: KernelPath = .fast) -> HyperpriorModel? {
        switch id {
        case "bmshj-hp-vr":
            HyperpriorModel(
                id: id, factorizedID: "bmshj-f-vr", n: 64, m: 128, lambdas: rateDistortionLambdas, path: path)
        case "bmshj-hp-vr-n128":
            HyperpriorModel(
                id: id, factorizedID: nil, n: 128, m: 128, hyperChannels: 64, lambdas: rateDistortionLambdas,
                narrowerID: "bmshj-hp-vr", path: path)
        default: nil
        }
    }

    /// The codec families, each a conformance to `CodecNetwork` built with its portable analysis kernels: a new
    /// family is one more line here.
    static let codecFamilies: [@Sendable (String) -> (any CodecNetwork)?] = [
        { autoencoder($0, encoderPath: .portable) },
        { rateDistortion($0, analysisPath: .portable) },
        { hyperprior($0, path: .portable) },
    ]

    /// Ids of the models that code images: every family in `codecFamilies` and the imported CompressAI
    /// architectures (shaped by their weights file's metadata).
    package static var codecIDs: [String] { autoencoderIDs + rateDistortionIDs + hyperpriorIDs + compressAIIDs }

    /// The codec network of model `id` (analysis on the portable kernels), or nil if `id` is not a codec model.
    package static func codecNetwork(_ id: String) -> (any CodecNetwork)? {
        codecFamilies.lazy.compactMap { $0(id) }.first
    }

    /// The codec network of weights `file` (analysis on the portable kernels): a family of fixed shape by its id,
    /// or an imported CompressAI architecture shaped by the file's metadata; nil if the id is not a codec model.
    ///
    /// - Throws: `WeightsError.invalidField` when an imported model's metadata is missing or out of range.
    package static func codecNetwork(for file: WeightsFile) throws(WeightsError) -> (any CodecNetwork)? {
        if let architecture = try CompressAIArchitecture.reading(id: file.modelID, metadata: file.metadata(_:)) {
            return architecture.network(path: .portable)
        }
        return codecNetwork(file.modelID)
    }

    package static func autoencoder(_ id: String, encoderPath: KernelPath = .fast) -> Autoencoder? {
        autoencoderChannels.first { $0.id == id }.map {
            Autoencoder(id: $0.id, channels: $0.channels, encoderPath: encoderPath)
        }
    }

    /// The classifier `id`; with `frozenBatchNorm`, its batch normalisations run in inference mode in training
    /// forwards too (a fixed network whose input gradient trains a codec).
    package static func classifier(_ id: String, frozenBatchNorm: Bool = false) -> Classifier? {
        switch id {
        case "lenet5": Classifier.lenet5()
        case "resnet9-cifar":
            Classifier.cifarResNet(id: id, widths: resnet9CIFARWidths, frozenBatchNorm: frozenBatchNorm)
        case taskClassifierID:
            Classifier.cifarResNet(id: id, widths: resnet9CIFARTaskWidths, frozenBatchNorm: frozenBatchNorm)
        case airbenchCIFARID:
            Classifier.airbench(id: id, widths: airbenchCIFARWidths, frozenBatchNorm: frozenBatchNorm)
        default: nil
        }
    }

    /// The key table (names, kinds, shapes) of model `id`: the contract for its weights file.
    package static func parameterSpecs(_ id: String) -> [ParameterSpec]? {
        autoencoder(id)?.parameterSpecs ?? classifier(id)?.parameterSpecs ?? rateDistortion(id)?.parameterSpecs
            ?? hyperprior(id)?.parameterSpecs
    }
}
