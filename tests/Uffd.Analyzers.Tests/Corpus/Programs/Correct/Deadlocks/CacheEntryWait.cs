using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.CacheEntryWait;

/// <summary>One page's load, started by the read-ahead thread.</summary>
public sealed class PageLoad
{
    public PageLoad(Task<byte[]> bytes) => Bytes = bytes;

    public Task<byte[]> Bytes { get; }

    public DateTime Started { get; } = DateTime.UtcNow;
}

/// <summary>
/// A read-ahead cache in front of slow storage. The provider serves a page from its load when the load has finished
/// (checked on the entry's task, or by a Wait with a zero timeout) and reads the storage itself otherwise.
/// </summary>
[FaultRegion(Pages = 1024)]
public sealed partial class ReadAheadPages(string path)
{
    private readonly ConcurrentDictionary<long, PageLoad> _loads = new();

    public void ReadAhead(long pageIndex) =>
        _loads.GetOrAdd(pageIndex, index => new PageLoad(Task.Run(() => ReadFromDisk(index, PageSize))));

    private byte[] ReadFromDisk(long pageIndex, int pageSize)
    {
        byte[] bytes = new byte[pageSize];
        using FileStream file = File.OpenRead(path);
        file.Position = pageIndex * pageSize;
        file.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        return bytes;
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (_loads.TryRemove(pageIndex, out PageLoad? load))
        {
            if (load.Bytes.IsCompletedSuccessfully || load.Bytes.Wait(0))
            {
                load.Bytes.Result.AsSpan(0, page.Length).CopyTo(page);
                return;
            }
        }

        ReadFromDisk(pageIndex, page.Length).CopyTo(page);
    }
}
