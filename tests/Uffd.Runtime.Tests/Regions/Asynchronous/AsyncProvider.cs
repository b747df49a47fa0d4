using System.Threading.Tasks;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions.Asynchronous;

/// <summary>
/// An asynchronous provider written by hand (what generated code calls): counts its calls per page and how many are
/// outstanding, and fills each page with <see cref="RegionRecorder.Pattern"/> after <see cref="Fetch"/> (by default
/// a real asynchronous wait) completes.
/// </summary>
internal sealed class AsyncProvider
{
    private int outstanding;
    private int maxOutstanding;

    public AsyncProvider(long pages)
    {
        Calls = new int[pages];
    }

    /// <summary>Provider calls that started at each page (the first page of the call's run).</summary>
    public int[] Calls { get; }

    /// <summary>Pages filled per page (each page of a run counts).</summary>
    public int TotalCalls => Calls.Sum();

    /// <summary>The contexts of every call, in the order they were made.</summary>
    public List<PageFaultContext> Contexts { get; } = [];

    /// <summary>What a call waits for before it fills its pages; by default 1 ms (a real timer, so the call is asynchronous).</summary>
    public Func<PageFaultContext, CancellationToken, Task> Fetch { get; set; } = (_, ct) => Task.Delay(1, ct);

    /// <summary>What a call answers once its pages are filled.</summary>
    public Func<PageFaultContext, PageFill> Answer { get; set; } = _ => PageFill.Filled;

    /// <summary>Whether each call's context is kept in <see cref="Contexts"/> (the list grows: off for allocation tests).</summary>
    public bool RecordContexts { get; set; } = true;

    /// <summary>Calls cancelled through their token.</summary>
    public int Cancelled;

    public int Outstanding => Volatile.Read(ref outstanding);

    public int MaxOutstanding => Volatile.Read(ref maxOutstanding);

    /// <summary>
    /// Fills the pages and answers with a task already complete, without an async method (whose state machine is a
    /// class in a Debug build, allocated even when it completes at once): what a provider serving from a cache does.
    /// </summary>
    public bool CompleteAtOnce { get; set; }

    public ValueTask<PageFill> FillAsync(PageFaultContext context, Memory<byte> pages, CancellationToken cancellationToken)
    {
        if (!CompleteAtOnce)
        {
            return FillLaterAsync(context, pages, cancellationToken);
        }

        Interlocked.Increment(ref Calls[context.PageIndex]);
        FillPattern(context, pages.Span);
        return new ValueTask<PageFill>(Answer(context));
    }

    private async ValueTask<PageFill> FillLaterAsync(PageFaultContext context, Memory<byte> pages, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls[context.PageIndex]);
        if (RecordContexts)
        {
            lock (Contexts)
            {
                Contexts.Add(context);
            }
        }

        int now = Interlocked.Increment(ref outstanding);
        for (int seen = Volatile.Read(ref maxOutstanding); now > seen && Interlocked.CompareExchange(ref maxOutstanding, now, seen) != seen;)
        {
            seen = Volatile.Read(ref maxOutstanding);
        }

        try
        {
            await Fetch(context, cancellationToken).ConfigureAwait(false);
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

        Assert.Equal(context.PageCount * context.PageSize, pages.Length);
        FillPattern(context, pages.Span);
        return Answer(context);
    }

    private static void FillPattern(in PageFaultContext context, Span<byte> pages)
    {
        for (int k = 0; k < context.PageCount; k++)
        {
            RegionRecorder.Pattern(context.PageIndex + k, pages.Slice(k * context.PageSize, context.PageSize));
        }
    }
}

/// <summary>The callbacks struct generated code would emit for an asynchronous provider.</summary>
internal readonly struct AsyncCallbacks(AsyncProvider provider) : IFaultRegionCallbacks
{
    public PageFill FillPage(in PageFaultContext context, Span<byte> page) => throw new NotSupportedException();

    public void OnWriteFault(in PageFaultContext context)
    {
    }

    public ValueTask<PageFill> FillPagesAsync(PageFaultContext context, Memory<byte> pages, CancellationToken cancellationToken) =>
        provider.FillAsync(context, pages, cancellationToken);
}

/// <summary>Opens engines over an <see cref="AsyncProvider"/>; tests touch them only through the GC-safe accessors.</summary>
internal static class AsyncRegion
{
    public static FaultRegionEngine<AsyncCallbacks> Open(AsyncProvider provider, FaultRegionSettings settings) =>
        FaultRegionEngine<AsyncCallbacks>.Open(new AsyncCallbacks(provider), settings);

    /// <summary>Settings of an asynchronous-provider region that accepts a user-mode-only uffd (see <see cref="TestRegion.Settings"/>).</summary>
    public static FaultRegionSettings Settings(string name, long pages, FaultMode mode = FaultMode.Missing) =>
        TestRegion.Settings(name, pages, mode) with { AsynchronousProvider = true };

    public static byte[] ReadPage(this FaultRegionEngine<AsyncCallbacks> region, long index)
    {
        byte[] page = new byte[region.PageSize];
        region.Read(index * region.PageSize, page);
        return page;
    }

    /// <summary>What reading page <paramref name="index"/> threw, or null.</summary>
    public static Exception? ReadError(this FaultRegionEngine<AsyncCallbacks> region, long index)
    {
        try
        {
            region.ReadPage(index);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>Threads waiting in a fault on the region's uffd, from its fdinfo.</summary>
    public static long Waiters(this FaultRegionEngine<AsyncCallbacks> region) => region.Uffd.ReadFdInfo().Total;

    /// <summary>Starts one faulting thread per page, each reading its page through <c>Read</c> and checking it.</summary>
    public static Faulter<bool>[] ReadEach(FaultRegionEngine<AsyncCallbacks> region, IEnumerable<long> pages) =>
        pages.Select(p => new Faulter<bool>(() => RegionRecorder.HasPattern(p, region.ReadPage(p)), $"reader of page {p}").Start()).ToArray();
}
