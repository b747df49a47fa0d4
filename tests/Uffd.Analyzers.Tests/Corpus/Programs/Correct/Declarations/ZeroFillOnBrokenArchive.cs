using System;
using System.IO;
using System.IO.Compression;
using Uffd;

namespace Corpus.ZeroFillOnBrokenArchive;

/// <summary>
/// Pages stored as compressed blobs; a damaged blob reads as zeros instead of ending the process, and the region keeps
/// the exception for the caller to log.
/// </summary>
[FaultRegion(Pages = 64, OnProviderError = ProviderErrorPolicy.ZeroFill)]
public sealed partial class ArchivePages
{
    private readonly byte[][] _blobs;

    public ArchivePages(byte[][] blobs) => _blobs = blobs;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        using var input = new GZipStream(new MemoryStream(_blobs[pageIndex]), CompressionMode.Decompress);
        input.ReadExactly(page);
    }

    public string Describe() => LastProviderError is { } error ? "damaged: " + error.Message : "intact";
}
