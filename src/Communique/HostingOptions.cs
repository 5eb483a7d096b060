namespace Communique;

public sealed class HostingOptions
{
    public const string Section = "Communique";

    // api serves HTTP, worker runs jobs, both (the default) does each.
    public ProcessRole Role { get; set; } = ProcessRole.Both;

    // How long a stop (SIGTERM, Ctrl+C) lets running requests finish and jobs wind down before requests are aborted;
    // the process then exits. Below a supervisor's grace period (docker stop waits 10 s before SIGKILL).
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int ShutdownTimeoutSeconds { get; set; } = 8;
}
