// corpus: expect UFFD0031
using System;
using System.Buffers;
using System.IO;
using Uffd;

namespace Corpus.BlockingValueTaskGetResult;

/// <summary>A region over a pipe-backed stream (a decompressor's output), read with the stream's async API.</summary>
[FaultRegion(Pages = 64)]
public sealed partial class StreamedPages(Stream source)
{
    private readonly object _gate = new();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(page.Length);
        try
        {
            int total = 0;
            lock (_gate)
            {
                source.Seek(pageIndex * page.Length, SeekOrigin.Begin);
                while (total < page.Length)
                {
                    int read = source.ReadAsync(buffer.AsMemory(total, page.Length - total)).GetAwaiter().GetResult();
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                }
            }

            buffer.AsSpan(0, total).CopyTo(page);
            page[total..].Clear();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
