using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Win32.SafeHandles;
using Uffd;

namespace SnapshotRestore;

/// <summary>What the workload reads an image through: a region (its GC-safe <c>Read</c>) or a plain array.</summary>
internal interface IImageReader
{
    void Read(long offset, Span<byte> destination);
}

/// <summary>
/// The image, restored lazily from the object store: a page's first touch fetches it with a ranged GET. Random
/// lookups fetch a page at a time; a scan is recognized and fetched in growing ranges (up to 1,024 pages, in calls of
/// up to 256 pages: 1 MiB per GET, four in flight at once). No handler thread waits for the network: up to 32 GETs are
/// in flight, and a page several threads wait on is fetched once.
/// </summary>
[FaultRegion(ReadAhead = 1023, ReadAheadMode = ReadAheadMode.Sequential, MaxFaultsInFlight = 32, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class RestoredImage(BlobClient blob, long imageLength) : IImageReader
{
    private long calls;
    private long pagesFetched;
    private long bytesFetched;

    /// <summary>Ranged GETs issued.</summary>
    public long Calls => Interlocked.Read(ref calls);

    /// <summary>Pages the GETs filled (a GET's range rounded up to whole pages).</summary>
    public long PagesFetched => Interlocked.Read(ref pagesFetched);

    public long BytesFetched => Interlocked.Read(ref bytesFetched);

    [PageProvider(MaxPagesPerCall = 256)]
    private async ValueTask FetchAsync(PageFaultContext context, Memory<byte> pages, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref calls);
        Interlocked.Add(ref pagesFetched, context.PageCount);

        // The last page reaches past the image: its tail stays as the engine zeroed it.
        int length = (int)Math.Min(pages.Length, imageLength - context.Offset);
        Response<BlobDownloadStreamingResult> response = await blob.DownloadStreamingAsync(
            new BlobDownloadOptions { Range = new HttpRange(context.Offset, length) }, cancellationToken).ConfigureAwait(false);
        using Stream content = response.Value.Content;
        for (int done = 0; done < length;)
        {
            int read = await content.ReadAsync(pages.Slice(done, length - done), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException($"The store returned {done} of the {length} bytes at offset {context.Offset}.");
            }

            done += read;
        }

        Interlocked.Add(ref bytesFetched, length);
    }
}

/// <summary>
/// The same image restored lazily from a local file, with a synchronous provider (a page read from the page cache is
/// short): the baseline the object store is compared with.
/// </summary>
[FaultRegion(ReadAhead = 1023, ReadAheadMode = ReadAheadMode.Sequential, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class LocalImage(SafeFileHandle file) : IImageReader
{
    [PageProvider(MaxPagesPerCall = 256)]
    private void Fill(PageFaultContext context, Span<byte> pages) => RandomAccess.Read(file, pages, context.Offset);
}

/// <summary>The image downloaded whole before the first access.</summary>
internal sealed class DownloadedImage(byte[] image) : IImageReader
{
    public void Read(long offset, Span<byte> destination) => image.AsSpan(checked((int)offset), destination.Length).CopyTo(destination);
}
