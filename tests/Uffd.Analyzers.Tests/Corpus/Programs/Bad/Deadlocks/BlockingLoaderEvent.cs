// corpus: expect UFFD0031
using System;
using System.IO;
using System.Threading;
using Uffd;

namespace Corpus.BlockingLoaderEvent;

/// <summary>
/// The index is loaded by a background thread started with the region; the provider waits until it is ready.
/// </summary>
[FaultRegion(Pages = 512)]
public sealed partial class IndexedArchive
{
    private readonly ManualResetEvent _indexLoaded = new(false);
    private long[] _offsets = Array.Empty<long>();
    private readonly string _path;

    public IndexedArchive(string path)
    {
        _path = path;
        new Thread(() =>
        {
            _offsets = LoadIndex(path);
            _indexLoaded.Set();
        }) { IsBackground = true }.Start();
    }

    private static long[] LoadIndex(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path + ".idx"));
        var offsets = new long[reader.ReadInt32()];
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = reader.ReadInt64();
        }

        return offsets;
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        _indexLoaded.WaitOne();
        using FileStream archive = File.OpenRead(_path);
        archive.Seek(_offsets[pageIndex], SeekOrigin.Begin);
        archive.ReadAtLeast(page, page.Length, throwOnEndOfStream: false);
    }
}
