import ArgumentParser
import CaecCore
import CaecEval

/// `caec experiment ratio`: the seed paper's Fig. 4 (performance ratio against rate) for every codec of a
/// `caec compare` run, from its results.csv and run.txt.
struct RatioExperimentCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ratio",
        abstract: "Fig. 4 for every codec: the judge's performance ratio against bpp, from a `caec compare` run.",
        discussion: """
            Reads <compare-dir>/results.csv and run.txt (a run with a classifier, such as `caec compare \
            --cifar-test DIR --classifier resnet9-cifar`), or its summary.json when there is no results.csv (as in \
            the committed reports), and writes fig4-ratio-bpp.svg, .csv and .md into --out: \
            one curve per codec (caec models, JPEG whole file and scan only, WebP, AVIF, JPEG XL), the judge and its \
            accuracy on the originals in the title. Nothing is encoded again. The default measure is the paper's \
            performance ratio (accuracy on reconstructions / accuracy on originals, needs labels); --measure \
            agreement plots the share of reconstructions that keep the judge's class on the original.
            """
    )

    /// The files this command writes.
    static let baseName = "fig4-ratio-bpp"

    @Argument(help: ArgumentHelp("Output folder of a `caec compare` run.", valueName: "compare-dir"))
    var compareDirectory: String

    @Option(help: "Output folder (default: the compare folder).")
    var out: String?

    @Option(help: ArgumentHelp("What the y axis shows: ratio or agreement.", valueName: "measure"))
    var measure: String = RateRatioFigure.Measure.ratio.rawValue

    func validate() throws {
        guard RateRatioFigure.Measure(rawValue: measure) != nil else {
            throw ValidationError("--measure must be one of: ratio, agreement")
        }
    }

    func execute() throws(CLIFailure) {
        let (figure, source, settings) = try makeFigure(
            measure: RateRatioFigure.Measure(rawValue: measure)!)
        let directory = out ?? compareDirectory
        try RunDirectory.create(directory)
        let settingsLine = String(settings.split(separator: "\n").first ?? "")
        let files = [
            (Self.baseName + ".svg", figure.svg()), (Self.baseName + ".csv", figure.csv()),
            (
                Self.baseName + ".md",
                figure.markdown(source: source, settings: settingsLine, figure: Self.baseName + ".svg")
            ),
        ]
        for (name, text) in files {
            try SafeOutput(path: directory + "/" + name, force: true).write(Array(text.utf8), inputs: [])
        }
        printError("caec: wrote \(directory)/\(Self.baseName).svg, .csv and .md (judge \(figure.judgeDescription))")
    }

    /// The figure from results.csv and run.txt when the folder has them, else from summary.json (what committed
    /// reports keep); with the file it came from and the run's settings.
    func makeFigure(measure: RateRatioFigure.Measure) throws(CLIFailure) -> (RateRatioFigure, String, String) {
        let resultsPath = compareDirectory + "/" + CompareFiles.results
        let summaryPath = compareDirectory + "/" + CompareFiles.summary
        if !POSIX.exists(compareDirectory) {
            throw CLIFailure(
                .missingInput, path: compareDirectory, "no such folder (give a `caec compare` run's --out)")
        }
        if !POSIX.isDirectory(compareDirectory) {
            throw CLIFailure(.missingInput, path: compareDirectory, "not a folder (give a `caec compare` run's --out)")
        }
        if !FileSystem.exists(resultsPath) && !FileSystem.exists(summaryPath) {
            throw CLIFailure(
                .missingInput, path: compareDirectory,
                "not a `caec compare` run: it has neither \(CompareFiles.results) nor \(CompareFiles.summary)")
        }
        if !FileSystem.exists(resultsPath) && FileSystem.exists(summaryPath) {
            let text = String(decoding: try FileInput.read(summaryPath), as: UTF8.self)
            let stored: StoredCompareSummary
            do throws(CompareDataError) { stored = try StoredCompareSummary(json: text) } catch {
                throw CLIFailure(.badInput, path: summaryPath, error.description)
            }
            guard let judge = RateRatioFigure.judge(settings: stored.settings) else {
                throw CLIFailure(
                    .badInput, path: summaryPath, "the run used no classifier (classifier=none or missing)")
            }
            do throws(RateRatioFigureError) {
                return (
                    try RateRatioFigure(stored: stored, judge: judge, measure: measure), summaryPath, stored.settings
                )
            } catch {
                throw CLIFailure(.badInput, path: summaryPath, error.description)
            }
        }
        let settingsPath = compareDirectory + "/" + CompareFiles.settings
        if !FileSystem.exists(settingsPath) {
            throw CLIFailure(
                .missingInput, path: compareDirectory,
                "has \(CompareFiles.results) but not \(CompareFiles.settings), which names the run's judge")
        }
        let settings = String(decoding: try FileInput.read(settingsPath), as: UTF8.self)
        guard let judge = RateRatioFigure.judge(settings: settings) else {
            throw CLIFailure(.badInput, path: settingsPath, "the run used no classifier (classifier=none or missing)")
        }
        let results = String(decoding: try FileInput.read(resultsPath), as: UTF8.self)
        let rows: [CompareRow]
        do throws(CompareDataError) { rows = try CompareResults.parse(results) } catch {
            throw CLIFailure(.badInput, path: resultsPath, error.description)
        }
        do throws(RateRatioFigureError) {
            return (
                try RateRatioFigure(summary: CompareSummary(rows: rows), judge: judge, measure: measure), resultsPath,
                settings
            )
        } catch {
            throw CLIFailure(.badInput, path: resultsPath, error.description)
        }
    }
}
