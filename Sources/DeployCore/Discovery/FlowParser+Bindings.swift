/// What a module-level name refers to, as far as flow detection cares.
enum ModuleBinding: Equatable {
    /// `import prefect` / `import prefect as P`.
    case prefectModule
    /// `from prefect import flows` / `import prefect.flows as pf`.
    case prefectFlowsModule
    /// The `prefect.flow` decorator itself.
    case prefectFlow
    /// A module-level string constant (usable as `name=`).
    case stringConstant(String)
    /// Anything else: another library's `flow`, a local function, a computed value.
    case other

    var isPrefect: Bool {
        switch self {
        case .prefectModule, .prefectFlowsModule, .prefectFlow: return true
        case .stringConstant, .other: return false
        }
    }

    /// `binding.attribute`, following only the attributes that lead to `prefect.flow`.
    func attribute(_ name: String) -> ModuleBinding {
        switch (self, name) {
        case (.prefectModule, "flow"), (.prefectFlowsModule, "flow"): return .prefectFlow
        case (.prefectModule, "flows"): return .prefectFlowsModule
        default: return .other
        }
    }

    static func module(_ dotted: String) -> ModuleBinding {
        switch dotted {
        case "prefect": return .prefectModule
        case "prefect.flows": return .prefectFlowsModule
        default: return .other
        }
    }
}

extension FlowParser {
    /// Reads `a.b.c` starting at `index`; returns the dotted text and the index after it.
    func dottedName(at index: Int, limit: Int) -> (name: String, next: Int)? {
        guard index < limit, view.kind(index) == .name else { return nil }
        var name = view.text(index)
        var next = index + 1
        while next + 1 < limit, view.is(next, "."), view.kind(next + 1) == .name {
            name += "." + view.text(next + 1)
            next += 2
        }
        return (name, next)
    }

    /// `import a.b, c as d`
    mutating func importStatement(_ range: Range<Int>, conditional: Bool) {
        for item in view.split((range.lowerBound + 1)..<range.upperBound, on: ",") {
            guard let (module, next) = dottedName(at: item.lowerBound, limit: item.upperBound) else { continue }
            let topLevel = String(module.prefix { $0 != "." })
            imports.insert(topLevel)
            guard atModuleLevel else { continue }
            if view.is(next, "as"), next + 1 < item.upperBound {
                bind(view.text(next + 1), .module(module), conditional: conditional)
            } else {
                bind(topLevel, .module(topLevel), conditional: conditional)
            }
        }
    }

    /// `from a.b import c as d, (e, f)`, `from . import x`, `from prefect import *`
    mutating func fromImport(_ range: Range<Int>, conditional: Bool) {
        var index = range.lowerBound + 1
        var relative = false
        while index < range.upperBound, view.is(index, ".") || view.is(index, "...") {
            relative = true
            index += 1
        }
        var module = ""
        if let (name, next) = dottedName(at: index, limit: range.upperBound) {
            module = name
            index = next
        }
        guard view.is(index, "import") else { return }
        if !relative && !module.isEmpty {
            imports.insert(String(module.prefix { $0 != "." }))
        }
        guard atModuleLevel else { return }
        var names = (index + 1)..<range.upperBound
        if view.is(names.lowerBound, "("), names.count >= 2 {
            names = (names.lowerBound + 1)..<(names.upperBound - 1)
        }
        let source: ModuleBinding = relative ? .other : .module(module)
        for item in view.split(names, on: ",") {
            if view.is(item.lowerBound, "*") {
                if source == .prefectModule { bind("flow", .prefectFlow, conditional: conditional) }
                continue
            }
            guard view.kind(item.lowerBound) == .name else { continue }
            let imported = view.text(item.lowerBound)
            let local = view.is(item.lowerBound + 1, "as") && item.count >= 3 ? view.text(item.lowerBound + 2) : imported
            bind(local, source.attribute(imported), conditional: conditional)
        }
    }

    /// `NAME = "constant"`, `NAME: str = "x"`, `a = b = value`, `a, b = ...`, `NAME += ...`
    mutating func assignment(_ range: Range<Int>, conditional: Bool) {
        let first = range.lowerBound
        if view.kind(first) == .name, range.count >= 2, view.kind(first + 1) == .op,
           isAugmentedAssignment(first + 1) {
            bind(view.text(first), .other, conditional: conditional)
            return
        }
        let pieces = view.split(range, on: "=")
        guard pieces.count >= 2, let valueRange = pieces.last else { return }
        let value: ModuleBinding = view.staticString(valueRange).map(ModuleBinding.stringConstant) ?? .other
        for target in pieces.dropLast() {
            let annotated = view.firstTopLevel(":", in: target).map { target.lowerBound..<$0 } ?? target
            let names = view.split(annotated, on: ",")
            for name in names where name.count == 1 && view.kind(name.lowerBound) == .name {
                bind(view.text(name.lowerBound), names.count == 1 ? value : .other, conditional: conditional)
            }
        }
    }

    func isAugmentedAssignment(_ index: Int) -> Bool {
        let text = view.text(index)
        return text.count >= 2 && text.hasSuffix("=") && !["==", "<=", ">=", "!=", "<>"].contains(text)
    }
}
