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
    /// The module a dotted name at `index` names, as far as flows care, without building
    /// the dotted string: `prefect`, `prefect.flows` or something else. Returns the index after it.
    func moduleBinding(at index: Int, limit: Int) -> (binding: ModuleBinding, next: Int)? {
        guard index < limit, view.kind(index) == .name else { return nil }
        var next = index + 1
        var components = 1
        while next + 1 < limit, view.is(next, "."), view.kind(next + 1) == .name {
            components += 1
            next += 2
        }
        guard view.is(index, "prefect") else { return (.other, next) }
        if components == 1 { return (.prefectModule, next) }
        if components == 2 && view.is(index + 2, "flows") { return (.prefectFlowsModule, next) }
        return (.other, next)
    }

    /// Binds the name at token `index`. Binding `.other` only matters for a name that is
    /// already bound (it shadows it), so that case costs byte comparisons, not a String.
    mutating func bind(token index: Int, _ value: ModuleBinding, conditional: Bool) {
        if value == .other {
            rebind(index, conditional: conditional)
        } else {
            bind(view.text(index), value, conditional: conditional)
        }
    }

    /// `import a.b, c as d`
    mutating func importStatement(_ range: Range<Int>, conditional: Bool) {
        for item in view.split((range.lowerBound + 1)..<range.upperBound, on: ",") {
            guard let (binding, next) = moduleBinding(at: item.lowerBound, limit: item.upperBound) else { continue }
            imports.insert(view.text(item.lowerBound))
            guard atModuleLevel else { continue }
            if view.is(next, "as"), next + 1 < item.upperBound {
                bind(token: next + 1, binding, conditional: conditional)
            } else {
                bind(token: item.lowerBound, view.is(item.lowerBound, "prefect") ? .prefectModule : .other, conditional: conditional)
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
        var source = ModuleBinding.other
        let moduleStart = index
        if let (binding, next) = moduleBinding(at: index, limit: range.upperBound) {
            source = relative ? .other : binding
            index = next
        }
        guard view.is(index, "import") else { return }
        if !relative && moduleStart < index { imports.insert(view.text(moduleStart)) }
        guard atModuleLevel else { return }
        var names = (index + 1)..<range.upperBound
        if view.is(names.lowerBound, "("), names.count >= 2 {
            names = (names.lowerBound + 1)..<(names.upperBound - 1)
        }
        for item in view.split(names, on: ",") {
            if view.is(item.lowerBound, "*") {
                if source == .prefectModule { bind("flow", .prefectFlow, conditional: conditional) }
                continue
            }
            guard view.kind(item.lowerBound) == .name else { continue }
            let localIndex = view.is(item.lowerBound + 1, "as") && item.count >= 3 ? item.lowerBound + 2 : item.lowerBound
            let value = source == .other ? ModuleBinding.other : source.attribute(view.text(item.lowerBound))
            bind(token: localIndex, value, conditional: conditional)
        }
    }

    /// `NAME = "constant"`, `NAME: str = "x"`, `a = b = value`, `a, b = ...`, `NAME += ...`
    mutating func assignment(_ range: Range<Int>, conditional: Bool) {
        let first = range.lowerBound
        if view.kind(first) == .name, range.count >= 2, isAugmentedAssignment(first + 1) {
            rebind(first, conditional: conditional)
            return
        }
        guard view.firstTopLevel("=", in: range) != nil else { return }
        let pieces = view.split(range, on: "=")
        guard pieces.count >= 2, let valueRange = pieces.last else { return }
        let value: ModuleBinding = view.staticString(valueRange).map(ModuleBinding.stringConstant) ?? .other
        for target in pieces.dropLast() {
            let annotated = view.firstTopLevel(":", in: target).map { target.lowerBound..<$0 } ?? target
            let names = view.split(annotated, on: ",")
            for name in names where name.count == 1 && view.kind(name.lowerBound) == .name {
                bind(token: name.lowerBound, names.count == 1 ? value : .other, conditional: conditional)
            }
        }
    }

    /// `+=`, `-=`, `|=`, … (by bytes: this runs for every module-level statement).
    func isAugmentedAssignment(_ index: Int) -> Bool {
        guard view.kind(index) == .op else { return false }
        let token = view.tokens[index]
        let length = Int(token.end - token.start)
        guard length >= 2, view.src[Int(token.end) - 1] == 0x3D else { return false }
        let first = view.src[Int(token.start)]
        return first != 0x3D && first != 0x3C && first != 0x3E && first != 0x21  // not == <= >= !=
            || length == 3  // <<= >>=
    }
}
