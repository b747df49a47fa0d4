using System;
using System.IO;
using System.Threading;
using Uffd;

namespace Corpus.StopEventPollWait;

/// <summary>
/// A region over a directory of page files that can be told to stop loading (the volume is going away): the provider
/// polls the stop event with a zero timeout and serves zeros once it is set, instead of touching the volume.
/// </summary>
[FaultRegion(Pages = 2048, OnProviderError = ProviderErrorPolicy.Poison)]
public sealed partial class PageDirectory(string directory)
{
    private readonly ManualResetEvent _stopping = new(initialState: false);

    public void StopLoading() => _stopping.Set();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (_stopping.WaitOne(0))
        {
            page.Clear();
            return;
        }

        string path = Path.Combine(directory, $"{pageIndex:D6}.page");
        if (!File.Exists(path))
        {
            page.Clear();
            return;
        }

        using FileStream stream = File.OpenRead(path);
        int total = 0;
        while (total < page.Length)
        {
            int read = stream.Read(page[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        page[total..].Clear();
    }
}
