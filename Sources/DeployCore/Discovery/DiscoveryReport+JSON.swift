/// The `crank discover --json` document, written directly (keys in sorted order).
extension DiscoveryReport: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.key("diagnostics")
            writer.array(diagnostics) { writer, diagnostic in
                writer.object { writer in
                    writer.key("code"); writer.string(diagnostic.code.rawValue)
                    writer.key("file"); writer.string(diagnostic.file)
                    writer.key("line"); writer.int(diagnostic.line)
                    writer.key("message"); writer.string(diagnostic.message)
                    writer.key("severity"); writer.string(diagnostic.severity.rawValue)
                }
            }
            writer.key("flows")
            writer.concurrentArray(flows) { writer, flow in flow.write(to: &writer) }
            writer.key("root"); writer.string(root)
        }
    }
}

extension Flow: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.key("async"); writer.bool(isAsync)
            writer.key("decorator"); writer.value(.object(decorator))
            writer.key("description"); writer.string(description)
            writer.key("entrypoint"); writer.string(entrypoint)
            writer.key("file"); writer.string(file)
            writer.key("function"); writer.string(function)
            writer.key("imports"); writer.array(imports) { $0.string($1) }
            writer.key("line"); writer.int(line)
            writer.key("name"); writer.string(name)
            writer.key("parameters")
            writer.array(parameters) { writer, parameter in
                writer.object { writer in
                    writer.key("annotation"); writer.string(parameter.annotation)
                    writer.key("default"); writer.string(parameter.default)
                    writer.key("kind"); writer.string(parameter.kind.rawValue)
                    writer.key("name"); writer.string(parameter.name)
                    writer.key("required"); writer.bool(parameter.required)
                }
            }
        }
    }
}
