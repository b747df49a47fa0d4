using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Uffd.Tests.Shared;

namespace Uffd.Samples.Tests.ObjectStore;

/// <summary>
/// The object store that asynchronous page providers will restore memory images from: a real Azurite Blob server on
/// loopback (<see cref="AzuriteServer"/>), read through the official SDK by byte ranges, as a provider reads the pages
/// it is asked for; and what a reader sees when the server goes away and comes back.
/// </summary>
public sealed class AzuriteObjectStoreTests
{
    // Not a multiple of a page, so the last page of the image is a short one.
    private const int BlobSize = (4 << 20) + 1234;

    // A bound for each test's requests. The server's start has its own bounds: a first start installs Azurite, which
    // may take minutes with a cold npm cache on a busy machine.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Ranged_gets_return_exactly_the_bytes_of_their_range()
    {
        await using AzuriteServer server = await AzuriteServer.StartAsync();
        using var timeout = new CancellationTokenSource(Bound);
        (BlobClient blob, byte[] content) = await UploadImageAsync(server, timeout.Token);

        (long Offset, int Length)[] ranges =
        [
            (0, 4096), (4096, 4096), (4095, 2), (1 << 20, 64 << 10), (3 << 20, 256 << 10), (BlobSize - 4096, 4096), (12345, 1),
            (BlobSize - 1, 1), (0, BlobSize),
        ];
        foreach ((long offset, int length) in ranges)
        {
            Response<BlobDownloadResult> response = await blob.DownloadContentAsync(
                new BlobDownloadOptions { Range = new HttpRange(offset, length) }, timeout.Token);
            Assert.Equal(206, response.GetRawResponse().Status);
            AssertSameBytes(content, offset, length, response.Value.Content.ToArray());
        }

        // A range that runs past the end gets the bytes up to the end, as HTTP says: the short last page of an image.
        Response<BlobDownloadResult> tail = await blob.DownloadContentAsync(
            new BlobDownloadOptions { Range = new HttpRange(BlobSize - 1234, 4096) }, timeout.Token);
        AssertSameBytes(content, BlobSize - 1234, 1234, tail.Value.Content.ToArray());
        Assert.Equal($"bytes {BlobSize - 1234}-{BlobSize - 1}/{BlobSize}", tail.Value.Details.ContentRange);
    }

    [Fact]
    public async Task Concurrent_ranged_gets_each_return_their_own_bytes()
    {
        await using AzuriteServer server = await AzuriteServer.StartAsync();
        using var timeout = new CancellationTokenSource(Bound);
        (BlobClient blob, byte[] content) = await UploadImageAsync(server, timeout.Token);

        // 8 readers of 24 ranges each, page-sized to 256 KiB at any offset, streamed as a provider copies into a page.
        var reads = Enumerable.Range(0, 8).Select(reader => Task.Run(async () =>
        {
            var random = new Random(reader);
            for (int i = 0; i < 24; i++)
            {
                int length = random.Next(1, 256 << 10);
                long offset = random.NextInt64(0, BlobSize - length);
                byte[] received = await ReadStreamingAsync(blob, offset, length, timeout.Token);
                AssertSameBytes(content, offset, length, received);
            }
        }));

        await Task.WhenAll(reads).WaitAsync(timeout.Token);
    }

    [Fact]
    public async Task A_get_from_a_stopped_server_fails_at_once_and_the_blob_survives_a_restart()
    {
        await using AzuriteServer server = await AzuriteServer.StartAsync();
        using var timeout = new CancellationTokenSource(Bound);
        (BlobClient blob, byte[] content) = await UploadImageAsync(server, timeout.Token);
        int port = server.Port;

        await server.StopAsync();

        // Nothing listens on the port: the connection is refused, and with AzuriteServer.FailFastOptions nothing is
        // retried (it fails in a few ms). The bound is on the retry policy, not a speed claim: the SDK's default
        // policy takes about 23 s, and a single retry 0.8 s.
        var elapsed = Stopwatch.StartNew();
        RequestFailedException failure = await Assert.ThrowsAsync<RequestFailedException>(
            () => ReadStreamingAsync(blob, 0, 4096, timeout.Token));
        elapsed.Stop();
        Assert.Equal(0, failure.Status);
        Assert.IsType<HttpRequestException>(failure.InnerException);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(3), $"the read failed only after {elapsed.Elapsed.TotalSeconds:0.0} s: {failure}");

        // Same port, same data; the client made before the stop reads again.
        await server.RestartAsync(timeout.Token);
        Assert.Equal(port, server.Port);
        AssertSameBytes(content, 0, BlobSize, (await blob.DownloadContentAsync(timeout.Token)).Value.Content.ToArray());
        AssertSameBytes(content, 8192, 4096, await ReadStreamingAsync(blob, 8192, 4096, timeout.Token));
    }

    /// <summary>A blob of known pseudo-random bytes, as an image's pages would be.</summary>
    private static async Task<(BlobClient Blob, byte[] Content)> UploadImageAsync(AzuriteServer server, CancellationToken cancellationToken)
    {
        var content = new byte[BlobSize];
        new Random(20251206).NextBytes(content);
        BlobContainerClient container = server.CreateServiceClient().GetBlobContainerClient("images");
        await container.CreateAsync(cancellationToken: cancellationToken);
        BlobClient blob = container.GetBlobClient("memory.img");
        await blob.UploadAsync(BinaryData.FromBytes(content), cancellationToken);
        return (blob, content);
    }

    private static async Task<byte[]> ReadStreamingAsync(BlobClient blob, long offset, int length, CancellationToken cancellationToken)
    {
        Response<BlobDownloadStreamingResult> response = await blob.DownloadStreamingAsync(
            new BlobDownloadOptions { Range = new HttpRange(offset, length) }, cancellationToken);
        using BlobDownloadStreamingResult result = response.Value;
        using var received = new MemoryStream(length);
        await result.Content.CopyToAsync(received, cancellationToken);
        return received.ToArray();
    }

    private static void AssertSameBytes(byte[] content, long offset, int length, byte[] received)
    {
        Assert.True(received.Length == length, $"range {offset}+{length}: {received.Length} bytes received");
        int differs = content.AsSpan((int)offset, length).CommonPrefixLength(received);
        Assert.True(differs == length, $"range {offset}+{length}: byte {offset + differs} differs");
    }
}
