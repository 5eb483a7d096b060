namespace Communique.Documents.Text;

// icu.net binds to the host's libicu on first use of Wrapper.Init; every ICU call in the engine goes through here
// first so that the binding happens once, whichever thread comes first.
internal static class IcuRuntime
{
    private static readonly Lazy<bool> Loaded = new(() =>
    {
        Icu.Wrapper.Init();
        return true;
    });

    public static void EnsureLoaded() => _ = Loaded.Value;
}
