/// Durations as people write them: `30s`, `5m`, `1h`, `250ms`, or plain seconds (`1.5`).
/// Shared by the CLI's `--timeout`/`--lock-wait` and the config's `rollout.pause`.
public enum DurationText {
    /// Seconds, or nil when `text` is not a duration ≥ 0.
    public static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value >= 0, value.isFinite { return value * factor }
        }
        return Double(text).flatMap { $0 >= 0 && $0.isFinite ? $0 : nil }
    }

    /// The short form of `seconds`: `5s`, `1.5s`, `250ms`.
    public static func format(_ seconds: Double) -> String {
        if seconds > 0, seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds == seconds.rounded() { return "\(Int(seconds))s" }
        return "\(seconds)s"
    }
}
