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
    ],
    targets: [
        .target(name: "DeployCore"),
        .executableTarget(
            name: "crank",
            dependencies: [
                "DeployCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "DeployCoreTests", dependencies: ["DeployCore"]),
        .testTarget(name: "crankTests", dependencies: ["crank"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
