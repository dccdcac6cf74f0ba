import CaecCore
import CaecMetrics
import CaecTrain

/// loss.csv and heldout.csv of a rate-distortion training run (`caec train photos`, and `caec train cifar` for a
/// task-aware codec, whose rows add the task term and the training classifier's agreement), and the progress line.
struct RateDistortionLogs: TrainingLogFiles {
    var loss: CSVLog
    var heldOut: CSVLog
    /// Whether the rows carry the task term (and, held out, the agreement).
    let taskTerm: Bool

    init(directory: String, qualities: Int, resume: Bool, taskTerm: Bool) throws(CLIFailure) {
        self.taskTerm = taskTerm
        loss = try CSVLog(
            path: directory + "/loss.csv",
            header: "step,seconds,loss,bpp,mse,psnr," + (taskTerm ? "task," : "") + "lr,grad_norm,steps_per_second",
            append: resume)
        let columns = (1...qualities).map {
            taskTerm ? "bpp_q\($0),psnr_q\($0),task_q\($0),agreement_q\($0)" : "bpp_q\($0),psnr_q\($0)"
        }
        heldOut = try CSVLog(
            path: directory + "/heldout.csv", header: "step,seconds," + columns.joined(separator: ","), append: resume)
    }

    mutating func flush() throws(CLIFailure) {
        try loss.flush()
        try heldOut.flush()
    }

    mutating func record(_ event: RateDistortionEvent, model: String, progress: inout ProgressLine) {
        switch event {
        case .progress(let step, let seconds, let figures, let rate, let norm, let speed):
            let psnr = PSNR.decibels(mse: max(Double(figures.mse), 1e-12), peak: 1)
            let task = taskTerm ? "\(figures.task)," : ""
            loss.append(
                "\(step),\(NumberFormat.fixed(seconds, 1)),\(figures.loss),\(figures.bpp),\(figures.mse),"
                    + "\(NumberFormat.fixed(psnr, 3)),\(task)\(rate),\(norm),\(NumberFormat.fixed(speed, 3))")
            let taskText = taskTerm ? "task \(NumberFormat.fixed(Double(figures.task), 4))  " : ""
            progress.update(
                "\(model) step \(step) \(formatDuration(seconds))  loss \(NumberFormat.fixed(Double(figures.loss), 4))  "
                    + "bpp \(NumberFormat.fixed(Double(figures.bpp), 3))  PSNR \(NumberFormat.fixed(psnr, 2))  "
                    + "\(taskText)lr \(rate)  \(NumberFormat.fixed(speed, 2)) steps/s")
        case .evaluation(let step, let seconds, let qualities):
            let cells = qualities.map {
                "\(NumberFormat.fixed($0.bpp, 4)),\(NumberFormat.fixed($0.psnr, 3))"
                    + (taskTerm
                        ? ",\(NumberFormat.fixed($0.task, 5)),\(NumberFormat.fixed($0.agreement ?? 0, 4))" : "")
            }
            heldOut.append("\(step),\(NumberFormat.fixed(seconds, 1))," + cells.joined(separator: ","))
            let summaries = qualities.map {
                taskTerm
                    ? "\(NumberFormat.fixed($0.bpp, 2)) bpp \(NumberFormat.fixed($0.psnr, 1)) dB "
                        + "\(NumberFormat.fixed(($0.agreement ?? 0) * 100, 1))%"
                    : "\(NumberFormat.fixed($0.bpp, 3)) bpp \(NumberFormat.fixed($0.psnr, 2)) dB"
            }
            progress.finish("\(model) step \(step) held-out: " + summaries.joined(separator: " | "))
        }
    }
}
