// corpus: expect UFFD0031
using System;
using System.IO;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingLazyIndexProperty;

/// <summary>The index loads asynchronously; a convenience property hides the wait from the provider's author.</summary>
[FaultRegion(Pages = 512)]
public sealed partial class IndexedBlobs
{
    private readonly Task<long[]> _indexLoad;
    private readonly string _path;

    public IndexedBlobs(string path)
    {
        _path = path;
        _indexLoad = Task.Run(() =>
        {
            byte[] raw = File.ReadAllBytes(path + ".index");
            long[] offsets = new long[raw.Length / sizeof(long)];
            Buffer.BlockCopy(raw, 0, offsets, 0, offsets.Length * sizeof(long));
            return offsets;
        });
    }

    private long[] Index => _indexLoad.Result;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        long offset = Index[pageIndex];
        using FileStream blobs = File.OpenRead(_path);
        blobs.Position = offset;
        int read = blobs.ReadAtLeast(page, page.Length, throwOnEndOfStream: false);
        page[read..].Clear();
    }
}
