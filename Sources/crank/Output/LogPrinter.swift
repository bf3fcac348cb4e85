import DeployCore
import Foundation

/// `deployment | line` (names padded to one width, as `docker compose logs`), or JSON.
final class LogPrinter: @unchecked Sendable {
    let json: Bool
    let follow: Bool
    private var width: Int
    private var collected: [LogLine] = []

    init(json: Bool, follow: Bool, width: Int) {
        self.json = json
        self.follow = follow
        self.width = width
    }

    func print(_ line: LogLine) {
        if json {
            if follow { write(Self.compact(line) + "\n") } else { collected.append(line) }
            return
        }
        let source = line.source
        width = max(width, source.count)
        let prefix = source.padding(toLength: width, withPad: " ", startingAt: 0) + " | " + (line.time.map { $0 + " " } ?? "")
        write(line.line.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 + "\n" }.joined())
    }

    func finish() {
        guard json, !follow else { return }
        write("[" + collected.map(Self.compact).joined(separator: ",\n") + "]\n")
    }

    static func compact(_ line: LogLine) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(line)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
