namespace Communique.Tests.Infrastructure;

// The tests that drive chromium run one at a time, while no other test runs: a browser, its pages' scripts and the
// server they talk to need the machine's two cores to stay within a page's waits.
[CollectionDefinition(nameof(Browsers), DisableParallelization = true)]
public sealed class Browsers;
