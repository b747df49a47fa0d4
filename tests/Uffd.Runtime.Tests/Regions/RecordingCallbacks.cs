using System.Runtime.InteropServices;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>A provider written by hand (what generated code will do): decides what page <c>index</c> holds.</summary>
internal delegate PageFill PageFiller(in PageFaultContext context, Span<byte> page);

/// <summary>
/// What the tests' providers record: provider calls and write faults per page, the contexts they saw. Counting is
/// allocation-free (Interlocked on preallocated arrays), so the allocation test can use it too.
/// </summary>
internal sealed class RegionRecorder
{
    public RegionRecorder(long pages)
    {
        FillCalls = new int[pages];
        WriteCalls = new int[pages];
        ReadAheadCalls = new int[pages];
    }

    public int[] FillCalls { get; }

    public int[] WriteCalls { get; }

    public int[] ReadAheadCalls { get; }

    /// <summary>Replaces the default provider (the <see cref="Pattern"/>); called after the call was counted.</summary>
    public PageFiller? Filler { get; set; }

    /// <summary>Called on each write fault after it was counted.</summary>
    public Action<PageFaultContext>? OnWrite { get; set; }

    public int ThreadIdSeen;

    public int TotalFillCalls => FillCalls.Sum();

    /// <summary>The default content of page <paramref name="index"/>: its index as a long, then a fill byte.</summary>
    public static void Pattern(long index, Span<byte> page)
    {
        page.Fill(FillByte(index));
        MemoryMarshal.Write(page, in index);
    }

    public static byte FillByte(long index) => (byte)(index * 31 + 7);

    /// <summary>True when <paramref name="page"/> holds exactly <see cref="Pattern"/> for <paramref name="index"/>.</summary>
    public static bool HasPattern(long index, ReadOnlySpan<byte> page) =>
        MemoryMarshal.Read<long>(page) == index && page.Slice(sizeof(long)).IndexOfAnyExcept(FillByte(index)) < 0;

    public PageFill Fill(in PageFaultContext context, Span<byte> page)
    {
        Interlocked.Increment(ref FillCalls[context.PageIndex]);
        if (context.IsReadAhead)
        {
            Interlocked.Increment(ref ReadAheadCalls[context.PageIndex]);
        }
        else if (context.ThreadId != 0)
        {
            Volatile.Write(ref ThreadIdSeen, context.ThreadId);
        }

        if (Filler is { } filler)
        {
            return filler(in context, page);
        }

        Pattern(context.PageIndex, page);
        return PageFill.Filled;
    }

    public void Write(in PageFaultContext context)
    {
        Interlocked.Increment(ref WriteCalls[context.PageIndex]);
        OnWrite?.Invoke(context);
    }
}

/// <summary>The callbacks struct generated code would emit, forwarding to a <see cref="RegionRecorder"/>.</summary>
internal readonly struct RecordingCallbacks(RegionRecorder recorder) : IFaultRegionCallbacks
{
    public PageFill FillPage(in PageFaultContext context, Span<byte> page) => recorder.Fill(in context, page);

    public void OnWriteFault(in PageFaultContext context) => recorder.Write(in context);
}

/// <summary>Opens engines over a recorder; tests read and write only through the engine's GC-safe accessors.</summary>
internal static class TestRegion
{
    public static FaultRegionEngine<RecordingCallbacks> Open(RegionRecorder recorder, FaultRegionSettings settings) =>
        FaultRegionEngine<RecordingCallbacks>.Open(new RecordingCallbacks(recorder), settings);

    /// <summary>
    /// Settings that accept a user-mode-only uffd: what these tests check holds for both kinds, so root (CAP_SYS_PTRACE)
    /// runs them on a uffd that serves kernel-mode faults, and the run as nobody on a user-mode-only one. A test that
    /// depends on kernel-mode faults says so: <c>with { UserModeOnly = UserModeOnlyPolicy.Forbid }</c> and the root trait.
    /// </summary>
    public static FaultRegionSettings Settings(string name, long pages, FaultMode mode = FaultMode.Missing) =>
        new(name, mode, pages, UserModeOnly: UserModeOnlyPolicy.Allow);

    /// <summary>
    /// The statistics once every dispatcher thread sleeps in epoll_wait again. A resolution is counted before the ioctl that
    /// wakes the faulting thread, so most tests read <c>Statistics</c> right after the access; this is for the
    /// quiet points of allocation measurements, and for counts corrected after the wake (a partial read-ahead COPY
    /// uncounts the page it found present, and counts AlreadyPresent, after the first pages' reader was woken).
    /// </summary>
    public static FaultRegionStatistics SettledStatistics<TCallbacks>(this FaultRegionEngine<TCallbacks> region)
        where TCallbacks : struct, IFaultRegionCallbacks
    {
        Assert.True(Bounded.Until(() => region.Handlers.All(h => Lifetime.ThreadProbe.IsInEpollWait(h.ThreadId))),
            "the dispatcher threads did not return to epoll_wait");
        return region.Statistics;
    }

    /// <summary>Reads page <paramref name="index"/> through native code (faulting it in if it is missing).</summary>
    public static byte[] ReadPage(this FaultRegionEngine<RecordingCallbacks> region, long index)
    {
        byte[] page = new byte[region.PageSize];
        region.Read(index * region.PageSize, page);
        return page;
    }

    /// <summary>
    /// Has the kernel read page <paramref name="index"/> (write(pipe, page, 1)): the fault is raised in kernel mode and
    /// served by the region like any other. Returns 0 when the write worked, else its errno.
    /// </summary>
    public static unsafe int KernelReadErrno(this FaultRegionEngine<RecordingCallbacks> region, long index)
    {
        int[] pipe = new int[2];
        fixed (int* fds = pipe)
        {
            Assert.Equal(0, TestLibc.pipe2(fds, TestLibc.O_CLOEXEC));
        }

        try
        {
            nint address = region.BaseAddress + (nint)(index * region.PageSize);
            return Faulter.Run(() =>
            {
                nint written = TestLibc.write(pipe[1], address, 1);
                return written == 1 ? 0 : Marshal.GetLastPInvokeError();
            }).Join();
        }
        finally
        {
            TestLibc.close(pipe[0]);
            TestLibc.close(pipe[1]);
        }
    }
}
