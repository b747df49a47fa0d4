// corpus: expect UFFD0031
using System;
using System.Net.Http;
using Uffd;
using Uffd.Regions;

namespace Corpus.BlockingEngineCallbacks;

/// <summary>
/// The engine used directly, without the generator: the callbacks struct downloads each page and waits for it on the
/// handler thread.
/// </summary>
public readonly struct DownloadCallbacks(HttpClient client) : IFaultRegionCallbacks
{
    public PageFill FillPage(in PageFaultContext context, Span<byte> page)
    {
        byte[] bytes = client.GetByteArrayAsync($"pages/{context.PageIndex}").Result;
        bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
        return PageFill.Filled;
    }

    public void OnWriteFault(in PageFaultContext context)
    {
    }
}

public static class RemoteMemory
{
    public static FaultRegionEngine<DownloadCallbacks> Open(HttpClient client, long pages) =>
        FaultRegionEngine<DownloadCallbacks>.Open(new DownloadCallbacks(client), new FaultRegionSettings("remote", FaultMode.Missing, pages));
}
