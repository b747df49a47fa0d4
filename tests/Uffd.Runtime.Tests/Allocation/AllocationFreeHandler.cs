using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Allocation;

/// <summary>
/// The handler loop an allocation-free runtime must allow: wait, read into a reused array, decode, COPY from a native
/// staging page, WAKE on EEXIST. Everything it needs is allocated before the thread starts; the loop has no closures,
/// boxing, LINQ or string work. It snapshots its own thread's allocation counter after <c>beforeAt</c> and after
/// <c>afterAt</c> pages were installed, so the difference covers exactly the faults in between.
/// </summary>
internal sealed unsafe class AllocationFreeHandler : IDisposable
{
    private readonly Userfaultfd uffd;
    private readonly UffdShutdownSignal stop = new();
    private readonly UffdMessage[] messages = new UffdMessage[32];
    private readonly nint regionStart;
    private readonly int pageSize;
    private readonly long beforeAt;
    private readonly long afterAt;
    private readonly byte* staging;
    private readonly Thread thread;

    public AllocationFreeHandler(Userfaultfd uffd, nint regionStart, int pageSize, long beforeAt, long afterAt)
    {
        this.uffd = uffd;
        this.regionStart = regionStart;
        this.pageSize = pageSize;
        this.beforeAt = beforeAt;
        this.afterAt = afterAt;
        staging = (byte*)NativeMemory.AlignedAlloc((nuint)pageSize, (nuint)pageSize);
        thread = new Thread(Loop) { IsBackground = true, Name = "allocation-free uffd handler" };
        thread.Start();
    }

    public long Wakeups { get; private set; }
    public long MessagesRead { get; private set; }
    public int LargestBatch { get; private set; }
    public long Installed { get; private set; }
    public long PresentThenWoken { get; private set; }
    public long Unexpected { get; private set; }
    public UffdResult LastFailure { get; private set; }
    public long AllocatedBefore { get; private set; } = -1;
    public long AllocatedAfter { get; private set; } = -1;
    public Exception? Error { get; private set; }

    /// <summary>The content the handler installs for page <paramref name="index"/>: its index, then a fill byte.</summary>
    public static byte FillByte(long index) => (byte)(index * 31 + 7);

    // Without AggressiveOptimization this long-running loop starts as tier-0 code and is later switched to an
    // optimized copy mid-loop (on-stack replacement); with tiered PGO that transition allocated 32 bytes on this
    // thread, ~10,000 iterations in, i.e. inside the measured window. A dedicated handler loop should be jitted
    // optimized from the start anyway.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Loop()
    {
        try
        {
            while (uffd.WaitForMessages(stop, Timeout.Infinite) == UffdWaitResult.MessagesAvailable)
            {
                Wakeups++;
                int count = uffd.ReadMessages(messages);
                MessagesRead += count;
                if (count > LargestBatch)
                {
                    LargestBatch = count;
                }

                for (int i = 0; i < count; i++)
                {
                    Serve(in messages[i]);
                }
            }
        }
        catch (Exception e)
        {
            Error = e;
        }
    }

    private void Serve(in UffdMessage message)
    {
        if (message.Kind != UffdEventKind.PageFault)
        {
            Unexpected++;
            return;
        }

        nint page = message.PageFault.PageStart(pageSize);
        long index = (page - regionStart) / pageSize;
        var content = new Span<byte>(staging, pageSize);
        content.Fill(FillByte(index));
        MemoryMarshal.Write(content, in index);

        UffdResult result = uffd.Copy(page, (nint)staging, pageSize);
        switch (result.Outcome)
        {
            case UffdOutcome.Done:
                Installed++;
                if (Installed == beforeAt)
                {
                    AllocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                }
                else if (Installed == afterAt)
                {
                    AllocatedAfter = GC.GetAllocatedBytesForCurrentThread();
                }

                break;
            case UffdOutcome.AlreadyPresent:
                // A duplicate message (e.g. the faulter was signalled and re-faulted): the page is in, wake anyway.
                uffd.Wake(page, pageSize);
                PresentThenWoken++;
                break;
            default:
                Unexpected++;
                LastFailure = result;
                break;
        }
    }

    /// <summary>Signals, joins (bounded) and frees the staging page.</summary>
    public void Dispose()
    {
        stop.Signal();
        Assert.True(thread.Join(Bounded.Wait), "the handler thread did not stop after the shutdown signal");
        stop.Dispose();
        NativeMemory.AlignedFree(staging);
    }
}
