using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Uffd.Regions;
using Uffd.Tests.Shared;

namespace Uffd.Samples.Tests.ObjectStore;

/// <summary>
/// A region whose asynchronous provider reads its pages from a real object store (Azurite on loopback) with ranged
/// GETs, on the real kernel: exact content from several threads at random and in order, one GET per page however many
/// threads wait on it, the MaxFaultsInFlight bound, the error policies when the server stops mid-run, and Dispose with
/// GETs in flight. (The FailFast policy ends the process: SnapshotRestoreSampleTests runs it in the sample.)
/// </summary>
public sealed class BlobRegionTests
{
    private const int Pages = 512;
    private static readonly int PageSize = Environment.SystemPageSize;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Random_and_sequential_reads_from_several_threads_hold_exactly_the_stored_bytes()
    {
        await using AzuriteServer server = await AzuriteServer.StartAsync();
        BlobClient blob = await UploadAsync(server);
        var provider = new BlobPages(blob);
        using var region = Open(provider, "BlobExact", settings => settings with { ReadAhead = 31, MaxPagesPerCall = 16, ReadAheadMode = ReadAheadMode.Sequential });

        // Two threads at random over the first half, two scanning the second half.
        Task<long>[] readers =
        [
            .. Enumerable.Range(0, 2).Select(t => ReadAll(region, Shuffled(0, Pages / 2, seed: t))),
            .. Enumerable.Range(0, 2).Select(t => ReadAll(region, Enumerable.Range(Pages / 2 + t * Pages / 4, Pages / 4).Select(p => (long)p))),
        ];

        Assert.All(await Task.WhenAll(readers).WaitAsync(Bound), wrong => Assert.Equal(-1, wrong));
        Assert.All(provider.Fetched(Pages), count => Assert.Equal(1, count));
        Assert.Equal(Pages, region.Statistics.PagesFilled);
    }

    [Fact]
    public async Task Threads_waiting_on_the_same_pages_share_one_GET_per_page_and_the_bound_holds()
    {
        await using AzuriteServer server = await AzuriteServer.StartAsync();
        BlobClient blob = await UploadAsync(server);
        var provider = new BlobPages(blob);
        using var region = Open(provider, "BlobContention", settings => settings with { MaxFaultsInFlight = 4 });

        // Eight threads read the same 64 pages, each in its own order.
        Task<long>[] readers = Enumerable.Range(0, 8).Select(t => ReadAll(region, Shuffled(0, 64, seed: 100 + t))).ToArray();

        Assert.All(await Task.WhenAll(readers).WaitAsync(Bound), wrong => Assert.Equal(-1, wrong));
        Assert.All(provider.Fetched(64), count => Assert.Equal(1, count));
        Assert.InRange(provider.MaxOutstanding, 1, 4);
    }

    [Theory]
    [InlineData(ProviderErrorPolicy.ZeroFill)]
    [InlineData(ProviderErrorPolicy.Poison)]
    [Trait("Requires", "root")] // Poison is seen through MADV_POPULATE_READ, a kernel-mode fault; ZeroFill alongside keeps the pair together.
    public async Task When_the_server_stops_mid_run_a_page_it_cannot_fetch_follows_the_policy_and_later_pages_come_back(ProviderErrorPolicy policy)
    {
        await using AzuriteServer server = await AzuriteServer.StartAsync();
        BlobClient blob = await UploadAsync(server);
        var provider = new BlobPages(blob);
        using var region = Open(provider, $"BlobStopped{policy}", settings => settings with { OnProviderError = policy, UserModeOnly = UserModeOnlyPolicy.Forbid });

        Assert.Equal(-1, await ReadAll(region, [0, 1, 2]));
        await server.StopAsync();

        Exception? error = await Task.Run(() => ReadError(region, 10)).WaitAsync(Bound);
        if (policy == ProviderErrorPolicy.ZeroFill)
        {
            Assert.Null(error);
            Assert.All(ReadPage(region, 10), b => Assert.Equal(0, b));
        }
        else
        {
            Assert.IsType<PagePoisonedException>(error);
            Assert.Equal(1, region.Statistics.PoisonedPages);
        }

        Assert.IsType<RequestFailedException>(region.LastProviderError);
        Assert.Equal(1, region.Statistics.ProviderErrors);

        // The server is back: the pages never fetched are fetched now.
        await server.RestartAsync();
        Assert.Equal(-1, await ReadAll(region, [11, 12, 3]));
    }

    [Fact]
    [Trait("Requires", "root")] // The waiting readers fail through MADV_POPULATE_READ, a kernel-mode fault (a user-mode-only uffd gets SIGBUS).
    public async Task Dispose_with_GETs_in_flight_cancels_them_and_no_reader_is_left_waiting_or_reads_zeros()
    {
        await using AzuriteServer server = await AzuriteServer.StartAsync();
        BlobClient blob = await UploadAsync(server);

        // Each call holds its page after the GET until it is cancelled: Dispose finds all eight in flight.
        var provider = new BlobPages(blob) { HoldUntilCancelled = true };
        var region = Open(provider, "BlobDispose", settings => settings with { UserModeOnly = UserModeOnlyPolicy.Forbid });
        Task<Exception?>[] readers = Enumerable.Range(0, 8).Select(p => Task.Run(() => ReadError(region, p))).ToArray();
        Assert.True(SpinWait.SpinUntil(() => provider.Outstanding == 8, Bound), $"{provider.Outstanding} GETs in flight");

        region.Dispose();

        Assert.All(await Task.WhenAll(readers).WaitAsync(Bound), error => Assert.IsType<ObjectDisposedException>(error));
        Assert.Equal(8, provider.Cancelled);
        Assert.Equal(0, provider.Outstanding);
    }

    private static FaultRegionEngine<BlobCallbacks> Open(BlobPages provider, string name, Func<FaultRegionSettings, FaultRegionSettings> configure) =>
        FaultRegionEngine<BlobCallbacks>.Open(
            new BlobCallbacks(provider),
            configure(new FaultRegionSettings(name, FaultMode.Missing, Pages, UserModeOnly: UserModeOnlyPolicy.Allow, AsynchronousProvider: true)));

    /// <summary>The stored bytes: byte i of the blob is a function of i.</summary>
    private static byte ByteAt(long offset) => (byte)((offset * 131) ^ (offset >> 12));

    private static async Task<BlobClient> UploadAsync(AzuriteServer server)
    {
        BlobContainerClient container = server.CreateServiceClient().GetBlobContainerClient("regions");
        await container.CreateIfNotExistsAsync();
        byte[] content = new byte[(long)Pages * PageSize];
        for (int i = 0; i < content.Length; i++)
        {
            content[i] = ByteAt(i);
        }

        BlobClient blob = container.GetBlobClient("image");
        await blob.UploadAsync(new BinaryData(content), overwrite: true);
        return blob;
    }

    private static IEnumerable<long> Shuffled(int first, int count, int seed)
    {
        long[] pages = Enumerable.Range(first, count).Select(p => (long)p).ToArray();
        new Random(seed).Shuffle(pages);
        return pages;
    }

    /// <summary>Reads each page on a thread of its own (a fault waits in the kernel); the first page that differs, or -1.</summary>
    private static Task<long> ReadAll(FaultRegionEngine<BlobCallbacks> region, IEnumerable<long> pages) => Task.Factory.StartNew(() =>
    {
        foreach (long page in pages)
        {
            byte[] read = ReadPage(region, page);
            for (int i = 0; i < read.Length; i++)
            {
                if (read[i] != ByteAt(page * PageSize + i))
                {
                    return page;
                }
            }
        }

        return -1L;
    }, TaskCreationOptions.LongRunning);

    private static byte[] ReadPage(FaultRegionEngine<BlobCallbacks> region, long page)
    {
        byte[] read = new byte[PageSize];
        region.Read(page * PageSize, read);
        return read;
    }

    private static Exception? ReadError(FaultRegionEngine<BlobCallbacks> region, long page)
    {
        try
        {
            ReadPage(region, page);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>A provider of ranged GETs, counting what it fetched and how many GETs are in flight.</summary>
    internal sealed class BlobPages(BlobClient blob)
    {
        private readonly int[] fetched = new int[Pages];
        private int outstanding;
        private int maxOutstanding;

        public bool HoldUntilCancelled { get; init; }

        public int Cancelled;

        public int Outstanding => Volatile.Read(ref outstanding);

        public int MaxOutstanding => Volatile.Read(ref maxOutstanding);

        public int[] Fetched(int pages) => fetched.Take(pages).ToArray();

        public async ValueTask<PageFill> FillAsync(PageFaultContext context, Memory<byte> pages, CancellationToken cancellationToken)
        {
            int now = Interlocked.Increment(ref outstanding);
            for (int seen = Volatile.Read(ref maxOutstanding); now > seen && Interlocked.CompareExchange(ref maxOutstanding, now, seen) != seen;)
            {
                seen = Volatile.Read(ref maxOutstanding);
            }

            try
            {
                Response<BlobDownloadStreamingResult> response = await blob.DownloadStreamingAsync(
                    new BlobDownloadOptions { Range = new HttpRange(context.Offset, pages.Length) }, cancellationToken).ConfigureAwait(false);
                using Stream content = response.Value.Content;
                await content.ReadExactlyAsync(pages, cancellationToken).ConfigureAwait(false);
                for (int k = 0; k < context.PageCount; k++)
                {
                    Interlocked.Increment(ref fetched[context.PageIndex + k]);
                }

                if (HoldUntilCancelled)
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }

                return PageFill.Filled;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref Cancelled);
                throw;
            }
            finally
            {
                Interlocked.Decrement(ref outstanding);
            }
        }
    }

    /// <summary>The callbacks struct the generator would write for an asynchronous provider.</summary>
    internal readonly struct BlobCallbacks(BlobPages provider) : IFaultRegionCallbacks
    {
        public PageFill FillPage(in PageFaultContext context, Span<byte> page) => throw new NotSupportedException();

        public void OnWriteFault(in PageFaultContext context)
        {
        }

        public ValueTask<PageFill> FillPagesAsync(PageFaultContext context, Memory<byte> pages, CancellationToken cancellationToken) =>
            provider.FillAsync(context, pages, cancellationToken);
    }
}
