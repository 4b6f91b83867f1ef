// swift-tools-version: 6.0
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        .executable(name: "sluice-bench", targets: ["sluice-bench"]),
        .library(name: "SluiceMessage", targets: ["SluiceMessage"]),
        .library(name: "SluiceRegex", targets: ["SluiceRegex"]),
        .library(name: "SluiceChecking", targets: ["SluiceChecking"]),
        .library(name: "SluiceEngine", targets: ["SluiceEngine"]),
        .library(name: "SluiceQuarantine", targets: ["SluiceQuarantine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // PCRE2 as a system library; the shim fixes the code unit width before pcre2.h.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        // The only importer of CPCRE2.
        .target(name: "SluiceRegex", dependencies: ["CPCRE2"], swiftSettings: strictSettings),
        .target(name: "SluiceDiagnostics", swiftSettings: strictSettings),
        .target(name: "SluiceSyntax", dependencies: ["SluiceDiagnostics"], swiftSettings: strictSettings),
        .target(
            name: "SluiceChecking",
            dependencies: ["SluiceDiagnostics", "SluiceSyntax", "SluiceRegex", "SluiceMessage"],
            resources: [.copy("Resources/consumer-mail-domains.txt")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SluiceEngine",
            dependencies: [
                "SluiceChecking", "SluiceMessage", "SluiceRegex", "SluiceDiagnostics", "SluiceSyntax",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Resources/README.md"],
            resources: [.copy("Resources/public_suffix_list.dat")],
            swiftSettings: strictSettings
        ),
        // The quarantine: a SQLite store (GRDB), permissions, release, digests, submissions.
        .target(
            name: "SluiceQuarantine",
            dependencies: [
                "SluiceEngine", "SluiceChecking", "SluiceMessage", "SluiceSyntax", "SluiceDiagnostics",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SluiceMessage",
            dependencies: [
                "SluiceDiagnostics",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // `sluice test` and `sluice diff`: policy test suites, structural and behavioural diffs.
        .target(
            name: "SluicePolicyTesting",
            dependencies: ["SluiceEngine", "SluiceChecking", "SluiceMessage", "SluiceDiagnostics", "SluiceSyntax"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceMessage",
                "SluiceDiagnostics",
                "SluiceSyntax",
                "SluiceChecking",
                "SluiceEngine",
                "SluiceQuarantine",
                "SluicePolicyTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "sluice-bench",
            dependencies: [
                "SluiceMessage",
                "SluiceChecking",
                "SluiceEngine",
                "SluiceWorkload",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "SluiceRegexTests", dependencies: ["SluiceRegex"], swiftSettings: strictSettings),
        .testTarget(
            name: "SluiceMessageTests",
            dependencies: ["SluiceMessage", "SluiceWorkload"],
            exclude: ["Differential/python_email_dump.py", "Differential/known-differences.json"],
            swiftSettings: strictSettings
        ),
        // Generated policies and messages for the benchmark and the differential tests.
        .target(
            name: "SluiceWorkload", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: strictSettings
        ),
        // Helpers shared by the test targets (marked source text).
        .target(name: "SluiceTestSupport", path: "Tests/SluiceTestSupport", swiftSettings: strictSettings),
        .testTarget(
            name: "SluiceSyntaxTests",
            dependencies: ["SluiceSyntax", "SluiceTestSupport", "SluiceWorkload"],
            exclude: ["Fixtures"],  // golden files, read through #filePath
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SluiceCheckingTests", dependencies: ["SluiceChecking", "SluiceTestSupport", "SluiceWorkload"], exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SluiceEngineTests", dependencies: ["SluiceEngine", "SluiceChecking", "SluiceMessage", "SluiceWorkload"], exclude: ["Cases"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SluiceQuarantineTests",
            dependencies: [
                "SluiceQuarantine", "SluiceEngine", "SluiceChecking", "SluiceMessage",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SluicePolicyTestingTests",
            dependencies: ["SluicePolicyTesting", "SluiceEngine", "SluiceChecking", "SluiceMessage", "SluiceDiagnostics"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SluiceCLITests",
            dependencies: ["sluice", "SluiceWorkload", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Fixtures"],  // policies, messages and golden outputs, read through their paths
            swiftSettings: strictSettings
        ),
    ]
)
