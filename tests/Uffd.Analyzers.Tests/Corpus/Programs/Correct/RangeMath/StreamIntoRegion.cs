using System;
using System.Buffers;
using System.IO;
using Uffd;

namespace Corpus.StreamIntoRegion;

[FaultRegion]
public sealed partial class Buffer
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();
}

public static class Loader
{
    private const int CopyBufferSize = 4096;

    /// <summary>Copies a stream into a fresh region, in buffer-sized chunks.</summary>
    public static Buffer Load(Stream source)
    {
        long pageSize = Environment.SystemPageSize;
        var region = new Buffer();
        region.Open(Math.Max(1, (source.Length + pageSize - 1) / pageSize));
        using var buffered = new BufferedStream(source, 4096);
        byte[] chunk = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long offset = 0;
            int n;
            while ((n = buffered.Read(chunk, 0, CopyBufferSize)) > 0)
            {
                region.Write(offset, chunk.AsSpan(0, n));
                offset += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return region;
    }

    public static void Save(Buffer region, Stream target)
    {
        using Stream view = region.AsStream();
        view.CopyTo(target, 4096);
        Span<byte> tail = stackalloc byte[4096];
        tail.Clear();
        target.Write(tail.Slice(0, (int)(target.Length % 16)));
    }
}
