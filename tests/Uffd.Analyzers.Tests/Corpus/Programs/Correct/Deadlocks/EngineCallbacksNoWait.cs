using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using Uffd;
using Uffd.Regions;

namespace Corpus.EngineCallbacksNoWait;

/// <summary>
/// The engine used directly: the callbacks serve downloads that have completed and zero pages otherwise; the
/// downloads themselves are started and awaited by the application.
/// </summary>
public readonly struct CachedCallbacks(ConcurrentDictionary<long, Task<byte[]>> downloads) : IFaultRegionCallbacks
{
    public PageFill FillPage(in PageFaultContext context, Span<byte> page)
    {
        if (downloads.TryGetValue(context.PageIndex, out Task<byte[]>? download) && download.IsCompletedSuccessfully)
        {
            byte[] bytes = download.Result;
            bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
            return PageFill.Filled;
        }

        return PageFill.Zero;
    }

    public void OnWriteFault(in PageFaultContext context)
    {
    }
}

public static class CachedMemory
{
    public static async Task<FaultRegionEngine<CachedCallbacks>> OpenAsync(Func<long, Task<byte[]>> download, long pages)
    {
        var downloads = new ConcurrentDictionary<long, Task<byte[]>>();
        for (long page = 0; page < Math.Min(pages, 8); page++)
        {
            downloads[page] = download(page);
        }

        await Task.WhenAll(downloads.Values);
        return FaultRegionEngine<CachedCallbacks>.Open(new CachedCallbacks(downloads), new FaultRegionSettings("cached", FaultMode.Missing, pages));
    }
}
