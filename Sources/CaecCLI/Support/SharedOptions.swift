import ArgumentParser

/// `--models DIR`: the folder of `<model-id>.caew` files, shared by every command that loads models.
struct ModelsOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Models folder (default: $CAEC_MODELS, else Models/ or share/caec/Models/ beside or above the "
                + "executable, as PREFIX/share/caec/Models/ after scripts/install, else ./Models/)."),
        completion: .directory)
    var models: String?

    /// The models folder this option names, or the default one.
    var store: ModelStore { ModelStore(option: models) }

    /// The folder's path (`--models`, else `$CAEC_MODELS`, else the default).
    var directory: String { DataLocator.modelsDirectory(models) }
}

/// What `caec encode` and `caec decode` share: the models folder, replacing outputs, worker threads.
struct CodingOptions: ParsableArguments {
    @OptionGroup var modelsOption: ModelsOption

    @Flag(help: "Replace the output if it exists.")
    var force = false

    @Option(help: "Worker threads (default: one per processor); the output is the same for any count.")
    var threads: Int?

    var store: ModelStore { modelsOption.store }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }
}
