using Fluid;
using Fluid.Values;

namespace Communique.Rendering;

// One render's state. Fluid counts steps itself; the clock and the caller's token are
// checked here, at every write, filter and field lookup, since Fluid has no cancellation.
internal sealed class RenderContext : TemplateContext
{
    // Reading the clock costs about as much as a small write; every 8th checkpoint is enough.
    private const int ClockEvery = 8;

    private readonly TimeProvider _time;
    private readonly long _deadline;
    private readonly CancellationToken _cancellationToken;
    private int _checkpoints;

    public RenderContext(
        FluidValue record, TemplateOptions fluidOptions, RenderOptions options, TimeProvider time,
        CancellationToken cancellationToken)
        : base(record, fluidOptions, allowModelMembers: false)
    {
        RenderOptions = options;
        CultureInfo = options.Culture;
        MaxSteps = options.MaxSteps;
        _time = time;
        _cancellationToken = cancellationToken;
        var budget = options.Timeout.TotalSeconds * time.TimestampFrequency;
        _deadline = time.GetTimestamp() + (long)Math.Min(budget, long.MaxValue / 2);
    }

    public RenderOptions RenderOptions { get; }

    // Fluid reports an exhausted step budget with its recursion message; this tells them apart.
    public bool StepsExhausted => MaxSteps > 0 && _steps > MaxSteps;

    public void Checkpoint()
    {
        if (++_checkpoints % ClockEvery != 0)
        {
            return;
        }
        _cancellationToken.ThrowIfCancellationRequested();
        if (_time.GetTimestamp() > _deadline)
        {
            throw new RenderAbortedException(new RenderFailure(
                RenderFailureKind.TimeLimit,
                $"Rendering took longer than the limit of {RenderOptions.Timeout.TotalMilliseconds:0} ms."));
        }
    }

    public void CheckSize(FluidValue value)
    {
        if (value is StringValue && value.ToStringValue().Length > RenderOptions.MaxOutputChars)
        {
            throw RenderAbortedException.OutputLimit(RenderOptions.MaxOutputChars);
        }
        if (value is ArrayValue array && array.Values.Count > LiquidTemplates.MaxCollectionItems)
        {
            throw new RenderAbortedException(new RenderFailure(
                RenderFailureKind.CollectionLimit,
                $"A filter produced a list of {array.Values.Count} items, " +
                $"more than the limit of {LiquidTemplates.MaxCollectionItems}."));
        }
    }
}
