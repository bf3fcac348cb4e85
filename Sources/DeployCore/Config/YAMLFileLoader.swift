import Foundation
import Yams

/// Reads one YAML config file into a `ConfigNode` tree, refusing what could hurt:
/// files over 1 MB, alias bombs (a node budget), non-UTF-8 bytes.
public enum YAMLFileLoader {
    public static let maxFileSize = 1_048_576
    public static let maxNodes = 200_000

    /// - Parameters:
    ///   - path: absolute path to read.
    ///   - displayPath: the name used in locations (relative to the project root).
    /// - Returns: the root node (nil for an empty document) or the issue that stops reading.
    public static func load(path: String, displayPath: String) -> Result<ConfigNode?, ConfigIssue> {
        let data: [UInt8]
        switch RegularFile.contents(of: path, limit: maxFileSize) {
        case .success(let bytes): data = bytes
        case .failure(let failure): return .failure(ConfigIssue(failure, file: displayPath, limit: maxFileSize, what: "config file"))
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return .failure(ConfigIssue(.yamlSyntax, at: nil, file: displayPath, path: "", message: "file is not UTF-8 text", hint: "save it as UTF-8"))
        }
        return parse(text, displayPath: displayPath)
    }

    public static func parse(_ text: String, displayPath: String) -> Result<ConfigNode?, ConfigIssue> {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            return .failure(syntaxIssue(error, displayPath: displayPath))
        } catch {
            return .failure(ConfigIssue(.yamlSyntax, at: nil, file: displayPath, path: "", message: "\(error)"))
        }
        guard let root else { return .success(nil) }
        var converter = NodeConverter(file: displayPath)
        do {
            return .success(try converter.convert(root))
        } catch {
            return .failure(error)
        }
    }

    static func syntaxIssue(_ error: YamlError, displayPath: String) -> ConfigIssue {
        let hint = "fix the YAML syntax at this position (indentation, a missing ':' or an unclosed quote are the usual causes)"
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return ConfigIssue(.yamlSyntax, at: SourceLocation(file: displayPath, line: mark.line, column: mark.column),
                               path: "", message: "invalid YAML: \(detail)", hint: hint)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return ConfigIssue(.duplicateKey, at: SourceLocation(file: displayPath, line: context.mark.line, column: context.mark.column),
                               path: "", message: "key \(keys) appears more than once in the map that starts here",
                               hint: "remove or rename the repeated key (YAML keeps only one of them)")
        default:
            return ConfigIssue(.yamlSyntax, at: nil, file: displayPath, path: "", message: "invalid YAML: \(error)", hint: hint)
        }
    }
}

extension ConfigIssue {
    /// Why a config or secrets file (`what`) could not be read, naming it and the fix.
    init(_ failure: RegularFile.Failure, file: String, limit: Int, what: String) {
        switch failure {
        case .missing:
            self.init(.missingFile, at: nil, file: file, path: "", message: "file does not exist")
        case .notRegular(let kind):
            self.init(.notARegularFile, at: nil, file: file, path: "",
                      message: "this is \(kind), not a regular file; crank reads a \(what) only from a regular file",
                      hint: "replace it with a regular file (a symlink to one is fine)")
        case .tooLarge(let size):
            self.init(.fileTooLarge, at: nil, file: file, path: "",
                      message: "\(what) is \(size / 1024) KB; the limit is \(limit / 1024) KB",
                      hint: "a \(what) this large is almost certainly not the intended file")
        case .unreadable(let reason):
            self.init(.unreadableFile, at: nil, file: file, path: "", message: "cannot read file: \(reason)",
                      hint: "check its permissions")
        }
    }
}

/// Yams nodes → ConfigNodes, counting nodes so aliases cannot expand without bound.
struct NodeConverter {
    let file: String
    var budget = YAMLFileLoader.maxNodes

    init(file: String) {
        self.file = file
    }

    func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func convert(_ node: Node) throws(ConfigIssue) -> ConfigNode {
        budget -= 1
        guard budget >= 0 else {
            throw ConfigIssue(.fileTooLarge, at: location(node.mark), path: "",
                              message: "the document expands to more than \(YAMLFileLoader.maxNodes) values (YAML alias bomb?)",
                              hint: "remove the nested aliases")
        }
        switch node {
        case .scalar(let scalar):
            return ConfigNode(scalarValue(scalar, tag: node.tag), at: location(scalar.mark))
        case .sequence(let sequence):
            var items: [ConfigNode] = []
            for item in sequence { items.append(try convert(item)) }
            return ConfigNode(.sequence(items), at: location(sequence.mark))
        case .mapping(let mapping):
            var entries: [ConfigNode.Entry] = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ConfigIssue(.wrongType, at: location(key.mark), path: "", message: "map keys must be plain strings")
                }
                entries.append(ConfigNode.Entry(key: keyScalar.string, keyLocation: location(keyScalar.mark), value: try convert(value)))
            }
            return ConfigNode(.mapping(entries), at: location(mapping.mark))
        case .alias(let alias):
            throw ConfigIssue(.yamlSyntax, at: location(alias.mark), path: "", message: "unresolved YAML alias '\(alias.anchor.rawValue)'")
        }
    }

    func scalarValue(_ scalar: Node.Scalar, tag: Tag) -> ConfigNode.Value {
        switch tag.rawValue {
        case Tag.Name.null.rawValue: return .null
        case Tag.Name.int.rawValue: return .scalar(scalar.string, .int)
        case Tag.Name.float.rawValue: return .scalar(scalar.string, .float)
        case Tag.Name.bool.rawValue: return .scalar(scalar.string, .bool)
        default: return .scalar(scalar.string, .string)
        }
    }
}
