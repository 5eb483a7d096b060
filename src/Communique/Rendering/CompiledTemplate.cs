using Fluid;

namespace Communique.Rendering;

// A template that compiled: render it as often as needed, from any thread.
public sealed class CompiledTemplate
{
    internal CompiledTemplate(IFluidTemplate fluid, int sourceLength) => (Fluid, SourceLength) = (fluid, sourceLength);

    internal IFluidTemplate Fluid { get; }

    internal int SourceLength { get; }
}
