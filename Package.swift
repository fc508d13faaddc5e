// swift-tools-version:6.2
import PackageDescription

/// Release builds of the project's own modules drop runtime checks that the tests cover
/// (bounds, overflow, exclusivity): the hot loops run over every byte of every record.
let fast: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
    name: "corpus-clean",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "corpus-clean", targets: ["corpus-clean"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // System libraries. Each is a module map plus a one-line shim header.
        .systemLibrary(
            name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        // ICU is reached only through this C target, whose public header uses plain C types:
        // importing ICU headers into Swift clashes with Foundation's bundled ICU. It also holds
        // the byte scans and memory hints too low-level for Swift (ccs_scan.h, ccs_prefetch.h).
        .target(
            name: "CShims", path: "Sources/CShims",
            linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc")]),
        // simdjson (C++) through a C header: UTF-8 validation and record parsing.
        .target(
            name: "CSimdJSON", path: "Sources/CSimdJSON",
            linkerSettings: [.linkedLibrary("simdjson")]),
        .target(
            name: "Formats", dependencies: ["CZstd", "CCrypto", "CSimdJSON", "CShims"], path: "Sources/Formats", swiftSettings: fast),
        .target(
            name: "Normalize", dependencies: ["Formats", "CShims", "CLibXML2"], path: "Sources/Normalize",
            resources: [.copy("Resources/t2s-phrases.txt")], swiftSettings: fast),
        .target(
            name: "Tokenize", dependencies: ["Formats", "CShims"], path: "Sources/Tokenize", swiftSettings: fast),
        .target(
            name: "Pipelines",
            dependencies: ["Formats", "Normalize", "Tokenize", "CShims", .product(name: "Yams", package: "Yams")],
            path: "Sources/Pipelines", swiftSettings: fast),
        .executableTarget(
            name: "corpus-clean",
            dependencies: [
                "Pipelines", "Formats", "Normalize", "Tokenize",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/corpus-clean",
            // Release builds carry the Swift runtime and Foundation in the executable: the
            // process starts without resolving a dozen shared libraries (about 5 ms of every
            // run). lld, which the toolchain ships, links it; gold warns about Foundation's
            // use of mktemp.
            swiftSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))],
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-use-ld=lld"], .when(configuration: .release))]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "CShims"], path: "Tests/FormatsTests"),
        .testTarget(
            name: "NormalizeTests", dependencies: ["Normalize", "Formats", "CLibXML2"], path: "Tests/NormalizeTests",
            exclude: ["Fixtures"]),
        .testTarget(
            name: "TokenizeTests", dependencies: ["Tokenize", "Formats"], path: "Tests/TokenizeTests",
            exclude: ["Fixtures"]),
        .testTarget(
            name: "PipelinesTests", dependencies: ["Pipelines", "Tokenize"], path: "Tests/PipelinesTests",
            exclude: ["Fixtures"]),
        .testTarget(
            name: "CLITests", dependencies: ["corpus-clean", "Formats"], path: "Tests/CLITests"),
    ],
    swiftLanguageModes: [.v5],
    cxxLanguageStandard: .cxx17
)
