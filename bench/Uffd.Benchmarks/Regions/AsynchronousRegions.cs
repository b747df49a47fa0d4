using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Uffd.Benchmarks.Regions;

// MISSING regions with an asynchronous provider, the default strategy otherwise: what the engine's asynchronous path
// costs over a synchronous provider, with the I/O left out (a cache hit, or a continuation on the thread pool).

/// <summary>A provider whose task is complete when it returns (a page already cached): the synchronous path.</summary>
[FaultRegion]
public sealed partial class AsyncAtOnceRegion : IBenchmarkRegion
{
    [PageProvider]
    private static ValueTask FillAsync(long pageIndex, Memory<byte> page, CancellationToken cancellationToken)
    {
        page.Span.Fill(Patterns.Fill);
        return default;
    }
}

/// <summary>
/// A provider that yields before filling: the fault is installed by a thread-pool thread, as after real I/O. Its
/// state machine is the default builder's, allocated for each call that does not complete at once.
/// </summary>
[FaultRegion]
public sealed partial class AsyncYieldRegion : IBenchmarkRegion
{
    [PageProvider]
    private static async ValueTask FillAsync(long pageIndex, Memory<byte> page, CancellationToken cancellationToken)
    {
        await Task.Yield();
        page.Span.Fill(Patterns.Fill);
    }
}

/// <summary>The same with a pooled state machine (PoolingAsyncValueTaskMethodBuilder): a provider that allocates nothing.</summary>
[FaultRegion]
public sealed partial class AsyncPooledYieldRegion : IBenchmarkRegion
{
    [PageProvider]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask FillAsync(long pageIndex, Memory<byte> page, CancellationToken cancellationToken)
    {
        await Task.Yield();
        page.Span.Fill(Patterns.Fill);
    }
}
