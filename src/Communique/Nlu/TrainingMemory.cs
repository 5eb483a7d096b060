using System.Runtime;
using System.Runtime.InteropServices;

namespace Communique.Nlu;

// A training allocates hundreds of MB that parsing never needs: the embeddings, the L-BFGS history and the per-chunk
// gradients of the lexical model (large arrays), and the encoder's arena regions for the batches (handed back to the
// C heap after each batch). The server collector keeps freed regions committed for reuse and glibc keeps freed heap
// pages, so a process that trained once would hold that memory for good; many teams' bots share the process. Return
// runs once per training: one blocking, compacting collection (the large object heap too) that decommits what it
// frees — a pause of a few tens of milliseconds against a training of a minute — then malloc_trim.
internal static class TrainingMemory
{
    public static void Return()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (EntryPointNotFoundException)
            {
                // Not glibc (musl has no malloc_trim): its allocator returns freed pages by itself.
            }
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
