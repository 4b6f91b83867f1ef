import Foundation

/// Output conventions: colour only on a terminal and never when `NO_COLOR` is set
/// (https://no-color.org).
enum Terminal {
    static var stdoutSupportsColor: Bool { supportsColor(fileDescriptor: STDOUT_FILENO) }
    static var stderrSupportsColor: Bool { supportsColor(fileDescriptor: STDERR_FILENO) }

    private static func supportsColor(fileDescriptor: Int32) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(fileDescriptor) != 0
    }

    /// Pushes what `print` buffered to standard output now (a report that something was
    /// stored must not wait in a buffer a crash would lose).
    static func flushOutput() {
        fflush(nil)  // every C output stream, standard output among them
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
