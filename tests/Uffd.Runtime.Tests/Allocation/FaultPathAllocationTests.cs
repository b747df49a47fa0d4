using System.Runtime.InteropServices;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Races;
using Xunit.Abstractions;

namespace Uffd.Runtime.Tests.Allocation;

/// <summary>
/// The fault path must not allocate: a handler that allocates can be stopped by a GC that is itself waiting for a
/// thread blocked in a fault only the handler can resolve.
/// </summary>
public sealed class FaultPathAllocationTests(ITestOutputHelper output)
{
    // Warm-up faults run the whole path first, so first-call JIT, type loading and tier-up happen before measuring.
    private const int WarmupPages = 2_000;
    private const int MeasuredPages = 10_000;
    private const int TotalPages = WarmupPages + MeasuredPages;
    private const int Faulters = 2;

    [Fact]
    public void Serving_ten_thousand_faults_allocates_nothing_on_the_handler_thread()
    {
        using FaultScope scope = FaultScope.Create(TotalPages);
        int pageSize = scope.PageSize;
        AllocationFreeHandler handler;
        using (handler = new AllocationFreeHandler(scope.Uffd, scope.Memory.Address, pageSize, WarmupPages, TotalPages))
        {
            var faulters = new List<Faulter<List<long>>>();
            for (int f = 0; f < Faulters; f++)
            {
                int first = f * (TotalPages / Faulters);
                faulters.Add(scope.Run(() => TouchAndVerify(scope, first, TotalPages / Faulters), $"faulter {f}"));
            }

            foreach (Faulter<List<long>> faulter in faulters)
            {
                Assert.Empty(faulter.Join(TimeSpan.FromSeconds(60)));
            }
        }

        output.WriteLine($"wake-ups {handler.Wakeups}, messages {handler.MessagesRead}, largest batch {handler.LargestBatch}, " +
                         $"EEXIST+WAKE {handler.PresentThenWoken}, allocated {handler.AllocatedAfter - handler.AllocatedBefore} bytes");
        Assert.Null(handler.Error);
        Assert.Equal(0, handler.Unexpected);
        Assert.Equal(TotalPages, handler.Installed);
        Assert.True(handler.AllocatedBefore >= 0 && handler.AllocatedAfter >= 0, "the measurement points were not reached");
        Assert.Equal(0, handler.AllocatedAfter - handler.AllocatedBefore);
        Assert.True(handler.Wakeups > 0 && handler.MessagesRead >= handler.Wakeups,
            $"{handler.MessagesRead} messages over {handler.Wakeups} wake-ups");
        Assert.Equal(handler.Installed + handler.PresentThenWoken, handler.MessagesRead);
        Assert.Equal(0, scope.FdInfo().Total);
    }

    /// <summary>Touches each page once (faulting it in) and checks all of its bytes; returns the wrong pages.</summary>
    private static List<long> TouchAndVerify(FaultScope scope, int first, int count)
    {
        var wrong = new List<long>();
        var page = new byte[scope.PageSize];
        for (long index = first; index < first + count; index++)
        {
            GcSafeMemory.Read(scope.Page((int)index), page);
            if (MemoryMarshal.Read<long>(page) != index ||
                page.AsSpan(sizeof(long)).IndexOfAnyExcept(AllocationFreeHandler.FillByte(index)) >= 0)
            {
                wrong.Add(index);
            }
        }

        return wrong;
    }
}
