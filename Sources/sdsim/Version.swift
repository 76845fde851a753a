/// The release this build belongs to; `sdsim --version` prints it with the commit (`buildCommit`,
/// written by the BuildInfo plugin at build time).
let sdsimVersion = "0.4.0-dev"

/// What `sdsim --version` prints, and what the results database records with each run.
let sdsimVersionLine = "sdsim \(sdsimVersion) (commit \(buildCommit))"
