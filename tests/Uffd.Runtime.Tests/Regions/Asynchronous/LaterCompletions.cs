using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using Uffd.Regions;

namespace Uffd.Runtime.Tests.Regions.Asynchronous;

/// <summary>
/// An asynchronous provider whose calls a thread of its own completes later, with pooled task sources that allocate
/// nothing: what the engine allocates on the path of a call that did not complete at once is then all there is to see.
/// The completer fills the pages and completes each call with the engine's continuation running inline on it, and
/// counts the bytes its thread allocated across each completion (the engine's install, on that thread).
/// </summary>
internal sealed class LaterCompletions : IDisposable
{
    private readonly Source[] pool;
    private readonly Source[] pending;
    private readonly object gate = new();
    private readonly SemaphoreSlim ready = new(0);
    private readonly Thread completer;
    private int free;
    private int head;
    private int count;
    private volatile bool stopping;

    public LaterCompletions(int capacity)
    {
        pool = Enumerable.Range(0, capacity).Select(_ => new Source(this)).ToArray();
        pending = new Source[capacity];
        free = capacity;
        completer = new Thread(Complete) { IsBackground = true, Name = "later completions" };
        completer.Start();
    }

    /// <summary>Bytes the completer's thread allocated inside completions (the engine's continuations), since the last reset.</summary>
    public long AllocatedInCompletions;

    public long Completions;

    public ValueTask<PageFill> FillAsync(PageFaultContext context, Memory<byte> pages)
    {
        Source source;
        lock (gate)
        {
            source = pool[--free];
            source.Context = context;
            source.Pages = pages;
            pending[(head + count++) % pending.Length] = source;
        }

        ready.Release();
        return new ValueTask<PageFill>(source, source.Version);
    }

    private void Complete()
    {
        while (true)
        {
            ready.Wait();
            if (stopping)
            {
                return;
            }

            Source source;
            lock (gate)
            {
                source = pending[head];
                head = (head + 1) % pending.Length;
                count--;
            }

            PageFaultContext context = source.Context;
            for (int k = 0; k < context.PageCount; k++)
            {
                RegionRecorder.Pattern(context.PageIndex + k, source.Pages.Span.Slice(k * context.PageSize, context.PageSize));
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            source.SetResult(PageFill.Filled);
            AllocatedInCompletions += GC.GetAllocatedBytesForCurrentThread() - before;
            Completions++;
        }
    }

    private void Return(Source source)
    {
        lock (gate)
        {
            pool[free++] = source;
        }
    }

    public void Dispose()
    {
        stopping = true;
        ready.Release();
        completer.Join();
        ready.Dispose();
    }

    /// <summary>A reusable task source: the continuation runs inline, on the completer (RunContinuationsAsynchronously is false).</summary>
    private sealed class Source(LaterCompletions owner) : IValueTaskSource<PageFill>
    {
        private ManualResetValueTaskSourceCore<PageFill> core;

        public PageFaultContext Context;

        public Memory<byte> Pages;

        public short Version => core.Version;

        public void SetResult(PageFill fill) => core.SetResult(fill);

        public PageFill GetResult(short token)
        {
            PageFill fill = core.GetResult(token);
            core.Reset();
            Pages = default;
            owner.Return(this);
            return fill;
        }

        public ValueTaskSourceStatus GetStatus(short token) => core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            core.OnCompleted(continuation, state, token, flags);
    }
}

/// <summary>The callbacks struct generated code would emit, forwarding to <see cref="LaterCompletions"/>.</summary>
internal readonly struct LaterCallbacks(LaterCompletions later) : IFaultRegionCallbacks
{
    public PageFill FillPage(in PageFaultContext context, Span<byte> page) => throw new NotSupportedException();

    public void OnWriteFault(in PageFaultContext context)
    {
    }

    public ValueTask<PageFill> FillPagesAsync(PageFaultContext context, Memory<byte> pages, CancellationToken cancellationToken) =>
        later.FillAsync(context, pages);
}
