import CaecCore
import CaecImageIO
import CaecMetrics
import CaecTestSupport
import Foundation
import Testing

@testable import CaecEval

@Suite struct AVIFJXLBaselineTests {
    /// A 47x33 piece of the shipped parrot crop: odd sides, so that 4:2:0 chroma and JPEG XL's 8x8 blocks both meet
    /// partial blocks.
    static let image: RGBImage = {
        let photo = try! ImageReader.read(try! Golden.required("Samples/images/kodim23-crop256.png"))
        var pixels: [UInt8] = []
        for y in 100..<133 { pixels += photo.pixels[(y * 256 + 100) * 3..<(y * 256 + 147) * 3] }
        return RGBImage(width: 47, height: 33, pixels: pixels)
    }()

    @Test func quality_scales_match_the_tools() {
        #expect(AVIFCodec.quantizer(quality: 100) == 0 && AVIFCodec.quantizer(quality: 0) == 63)
        #expect(AVIFCodec.quantizer(quality: 65) == 22 && AVIFCodec.quantizer(quality: 50) == 32)
        #expect(JXLCodec.distance(quality: 90) == 1.0 && JXLCodec.distance(quality: 30) == 6.4)
        #expect(abs(JXLCodec.distance(quality: 65) - 3.25) < 1e-6)
        #expect(abs(JXLCodec.distance(quality: 5) - (6.4 + 97.65625 / 6.25)) < 1e-4)  // 2.5^5 = 97.66
    }

    /// The matched-size grid of a CIFAR-10 run searched down to quality 1, which libjxl refuses (distance 38.9).
    @Test func every_grid_quality_encodes() throws {
        #expect(JXLCodec.distance(quality: 4) > 25 && JXLCodec.distance(quality: 5) <= 25)
        let tiny = RGBImage(width: 8, height: 8, pixels: Array(Self.image.pixels.prefix(8 * 8 * 3)))
        for quality in MatchedGrid.defaultJXLQualities + JXLCodec.defaultQualities {
            #expect(!(try JXLCodec.encode(tiny, quality: quality)).isEmpty, "quality \(quality)")
        }
    }

    @Test(arguments: ["avif", "jxl"]) func round_trip_is_plausible(codec: String) throws {
        func run(_ quality: Int) throws -> (file: [UInt8], decoded: RGBImage) {
            let file =
                codec == "avif"
                ? try AVIFCodec.encode(Self.image, quality: quality) : try JXLCodec.encode(Self.image, quality: quality)
            let decoded = codec == "avif" ? try AVIFCodec.decode(file) : try JXLCodec.decode(file)
            return (file, decoded)
        }
        let low = try run(10)
        let high = try run(90)
        for result in [low, high] {
            #expect(result.decoded.width == 47 && result.decoded.height == 33)
        }
        if codec == "avif" {
            #expect(Array(high.file[4..<12]) == Array("ftypavif".utf8))
        } else {
            #expect(Array(high.file.prefix(2)) == [0xFF, 0x0A])  // a bare JPEG XL codestream
        }
        let (psnrLow, psnrHigh) = (PixelError.psnr(Self.image, low.decoded), PixelError.psnr(Self.image, high.decoded))
        print("\(codec): q10 \(low.file.count) B \(psnrLow) dB, q90 \(high.file.count) B \(psnrHigh) dB")
        #expect(low.file.count < high.file.count && high.file.count < Self.image.pixels.count)
        #expect(psnrLow > 18 && psnrLow + 3 < psnrHigh && psnrHigh > 33 && psnrHigh.isFinite)
        // The same input and settings give the same bytes.
        #expect(try run(90).file == high.file)
    }

    @Test(arguments: ["avif", "jxl"]) func bad_files_throw(codec: String) throws {
        let file =
            codec == "avif"
            ? try AVIFCodec.encode(Self.image, quality: 50) : try JXLCodec.encode(Self.image, quality: 50)
        func decode(_ bytes: [UInt8], _ limits: ImageLimits = .default) throws(BaselineError) -> RGBImage {
            codec == "avif" ? try AVIFCodec.decode(bytes, limits: limits) : try JXLCodec.decode(bytes, limits: limits)
        }
        let name = codec == "avif" ? "AVIF" : "JPEG XL"
        for bad in [[], Array(repeating: 0x41, count: 64), Array(file.prefix(file.count / 2))] {
            #expect {
                _ = try decode(bad)
            } throws: { error in
                guard case .decodingFailed(let c, _) = error as? BaselineError else { return false }
                return c == name
            }
        }
        #expect {
            _ = try decode(file, ImageLimits(maxWidth: 47, maxHeight: 33, maxPixels: 47 * 33 - 1))
        } throws: { error in
            guard case .decodingFailed(_, let message) = error as? BaselineError else { return false }
            return message.contains("over the limit") || message.contains("too large")
        }
    }

    /// caec's rows against `avifenc` and `cjxl` on the same image and settings: sizes within a few bytes (the tools
    /// may write slightly different headers), and the tools' files decode through caec's shims to the same PSNR.
    @Test(arguments: ["avif", "jxl"]) func rows_match_the_command_line_tools(codec: String) throws {
        let tool = codec == "avif" ? "avifenc" : "cjxl"
        guard let toolPath = Self.which(tool) else {
            print(
                "skipped: \(tool) not found on PATH (Debian package \(codec == "avif" ? "libavif-bin" : "libjxl-tools"))"
            )
            return
        }
        let input = Golden.url("Samples/images/kodim23-crop256.png")
        let image = try ImageReader.read(try Golden.required("Samples/images/kodim23-crop256.png"))
        let quality = 65
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("caec-baseline-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out." + codec).path
        let arguments =
            codec == "avif"
            ? ["-c", "aom", "-s", "6", "-y", "420", "-j", "1", "--min", "22", "--max", "22", input.path, output]
            : [input.path, output, "-q", String(quality), "-e", "7"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: toolPath)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(tool) \(arguments.joined(separator: " ")) failed")
        let toolFile = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))

        let item = CompareItem(index: 0, name: "kodim23-crop256.png", image: image, label: nil)
        let method: CompareMethod = codec == "avif" ? .avif(qualities: [quality]) : .jxl(qualities: [quality])
        let row = try #require(
            try CompareRunner.evaluate(item, plan: ComparePlan(methods: [method], classifier: nil)).first)
        let toolDecoded =
            codec == "avif" ? try AVIFCodec.decode(toolFile) : try JXLCodec.decode(toolFile)
        let toolPSNR = PixelError.psnr(image, toolDecoded)
        print("\(codec) q\(quality): caec \(row.bytes) B \(row.psnr) dB; \(tool) \(toolFile.count) B \(toolPSNR) dB")
        #expect(abs(row.bytes - toolFile.count) <= 16 + toolFile.count / 200)
        #expect(abs(row.psnr - toolPSNR) < 0.05)
        #expect(row.method == codec && row.psnr > 30 && row.psnr < 45)
    }

    @Test func summary_has_avif_and_jxl_columns() {
        var rows: [CompareRow] = []
        for (method, offset) in [("cae-r4", 0.0), ("jpeg", 2.0), ("avif", 3.0), ("jxl", 2.5)] {
            for q in 1...4 {
                let psnr = 24 + 2 * Double(q) + offset
                let mse = 255 * 255 / pow(10, psnr / 10)
                rows.append(
                    CompareRow(
                        index: 0, image: "a", width: 64, height: 64, label: nil, method: method, quality: q,
                        bytes: 200 * q, scanBytes: method == "jpeg" ? 150 * q : nil, mse: mse, psnr: psnr,
                        ssim: 0.9, msSSIM: nil, predictionOriginal: nil, prediction: nil))
            }
        }
        let summary = CompareSummary(rows: rows)
        #expect(summary.series == ["cae-r4", "jpeg", "jpeg-scan", "avif", "jxl"])
        let pairs = summary.bdRates.map { $0.test + ">" + $0.anchor }
        #expect(
            pairs == [
                "cae-r4>jpeg", "cae-r4>jpeg-scan", "cae-r4>avif", "cae-r4>jxl", "avif>jpeg", "avif>jpeg-scan",
                "jxl>jpeg", "jxl>jpeg-scan", "jxl>avif",
            ])
        // Same rates, higher PSNR: AVIF needs fewer bits than caec for the same quality.
        let avif = summary.bdRates.first { $0.test == "cae-r4" && $0.anchor == "avif" }!.percent!
        #expect(avif > 0)
        let markdown = summary.markdown(settings: "s", classifier: nil)
        #expect(markdown.contains("| test \\ anchor | jpeg | jpeg-scan | avif | jxl |"))
        #expect(markdown.contains("| jxl | "))
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { $0 + "/" + name }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }
}
