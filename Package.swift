// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "crank",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "crank", targets: ["crank"]),
        .library(name: "DeployCore", targets: ["DeployCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "DeployCore", dependencies: [.product(name: "Yams", package: "Yams")]),
        .executableTarget(
            name: "crank",
            dependencies: [
                "DeployCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "CrankTestSupport", dependencies: ["DeployCore", .product(name: "Yams", package: "Yams")], path: "Tests/Support"),
        .testTarget(name: "DeployCoreTests", dependencies: ["DeployCore", "CrankTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "crankTests", dependencies: ["DeployCore", "CrankTestSupport"], exclude: ["Fixtures"]),
        // The CLI's own renderers and parser, in process (`@testable import crank`).
        .testTarget(name: "CrankCLITests", dependencies: ["crank", "CrankTestSupport", .product(name: "Yams", package: "Yams")]),
    ],
    swiftLanguageModes: [.v6]
)
