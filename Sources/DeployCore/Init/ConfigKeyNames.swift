/// Config keys (deployment names) made from flow and Prefect deployment names: crank's name
/// rules (`[a-z0-9][a-z0-9._-]*`, at most 63 characters, no `..`), unique within a file.
struct ConfigKeyNames {
    private var taken = Set<String>()

    static func slug(_ text: String) -> String {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            let keep = TextRules.isLetter(scalar) || TextRules.isDigit(scalar) || "_.-".unicodeScalars.contains(scalar)
            let next: Character = keep ? Character(scalar) : "-"
            if next == "-" && (result.isEmpty || result.hasSuffix("-")) { continue }
            if next == "." && result.hasSuffix(".") { continue }
            result.append(next)
        }
        while let first = result.unicodeScalars.first, !(TextRules.isLetter(first) || TextRules.isDigit(first)) { result.removeFirst() }
        result = String(result.prefix(63))
        while result.hasSuffix("-") || result.hasSuffix(".") { result.removeLast() }
        return result.isEmpty ? "deployment" : result
    }

    /// The first of `candidates` (slugged) not taken yet, else the last one numbered `-2`, `-3`, ….
    mutating func claim(_ candidates: [String]) -> String {
        let slugs = candidates.map(Self.slug)
        if let free = slugs.first(where: { !taken.contains($0) }) {
            taken.insert(free)
            return free
        }
        let base = String(slugs.last!.prefix(58))
        var number = 2
        while taken.contains("\(base)-\(number)") { number += 1 }
        taken.insert("\(base)-\(number)")
        return "\(base)-\(number)"
    }
}
