using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Remote;

/// <summary>
/// A provider that copies the memory file's bytes: the page index is the file's page (a range's offset is its place in
/// the file). <see cref="Hold"/> makes a call for that page wait until the gate opens.
/// </summary>
internal sealed class FileProvider(byte[] file)
{
    public long Calls;

    public long Hold { get; init; } = -1;

    public ManualResetEventSlim Held { get; } = new();

    public ManualResetEventSlim Gate { get; } = new();

    public PageFill Fill(in PageFaultContext context, Span<byte> pages)
    {
        Interlocked.Increment(ref Calls);
        long offset = context.PageIndex * context.PageSize;
        if (context.PageIndex == Hold)
        {
            Held.Set();
            Gate.Wait(Bounded.Wait);
        }

        file.AsSpan(checked((int)offset), pages.Length).CopyTo(pages);
        return PageFill.Filled;
    }
}

internal readonly struct FileCallbacks(FileProvider provider) : IFaultRegionCallbacks
{
    public PageFill FillPage(in PageFaultContext context, Span<byte> page) => provider.Fill(in context, page);

    public void OnWriteFault(in PageFaultContext context)
    {
    }
}
