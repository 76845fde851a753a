import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` (`let buildCommit = "…"`) into the `sdsim` target before every build:
/// the commit of the checkout being built (with `-dirty` when tracked files differ from it), or
/// `unknown` outside a git checkout. The file is rewritten only when its text changes, so an
/// unchanged tree does not rebuild.
@main
struct BuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let out = context.pluginWorkDirectoryURL.appending(path: "BuildInfo.swift")
        let script = """
            c=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
            if [ "$c" != unknown ] && [ -n "$(git -C "$1" status --porcelain --untracked-files=no 2>/dev/null | head -c1)" ]; then c="$c-dirty"; fi
            new="let buildCommit = \\"$c\\""
            [ "$(cat "$2" 2>/dev/null)" = "$new" ] || printf '%s\\n' "$new" > "$2"
            """
        return [.prebuildCommand(displayName: "sdsim build info", executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: ["-c", script, "sh", context.package.directoryURL.path, out.path],
                                 outputFilesDirectory: context.pluginWorkDirectoryURL)]
    }
}
