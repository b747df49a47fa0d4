using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using Uffd.Dispatch;

namespace Uffd.Runtime.Tests.Dispatch;

/// <summary>
/// A dispatcher source over a raw uffd and anonymous memory registered MISSING: every fault is served with a zero
/// page or a COPY of <see cref="PatternByte"/> staged in the handler thread's buffer. It counts its pumps, the pumps
/// that began after the test marked it removed, and how many handler threads were inside it at once.
/// </summary>
internal sealed unsafe class TestFaultSource : IFaultSource, IDisposable
{
    private readonly Userfaultfd uffd;
    private readonly UffdMemory memory;
    private readonly bool zero;
    private readonly byte salt;
    private int inPump;
    private int maxInPump;
    private long pumps;
    private long pumpsAfterRemove;
    private long served;
    private long failures;
    private volatile bool removed;
    private bool released;

    public TestFaultSource(int pages, bool zero = false, byte salt = 0x11, bool withMemory = true)
    {
        // The thread id in each message tells a hand-off which CPU the fault was raised on.
        uffd = Userfaultfd.Create(new UffdOptions { UserModeOnly = UserModeOnlyPolicy.Allow, RevokeAccessOnClose = false, OptionalFeatures = UffdFeatures.ThreadId });
        this.zero = zero;
        this.salt = salt;
        Pages = pages;
        if (withMemory)
        {
            memory = UffdMemory.MapAnonymous((long)pages * PageSize);
            uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        }
        else
        {
            memory = null!;
        }
    }

    public static int PageSize { get; } = Environment.SystemPageSize;

    public int Fd => uffd.Handle.DangerousGetFd();

    public int Pages { get; }

    /// <summary>Microseconds each pump spins after serving, to keep handlers inside Pump while a test removes it.</summary>
    public int PumpSpinMicroseconds { get; init; }

    /// <summary>Each fault read is first offered to the dispatcher's hand-off, as the region engine does.</summary>
    public bool HandsOff { get; init; }

    /// <summary>False for a source whose pumps must allocate nothing (the allocation test).</summary>
    public bool RecordThreads { get; init; } = true;

    /// <summary>The gettid() of every thread that pumped this source (when <see cref="RecordThreads"/>).</summary>
    public ConcurrentDictionary<int, bool> PumpThreads { get; } = new();

    public long Pumps => Volatile.Read(ref pumps);

    public long PumpsAfterRemove => Volatile.Read(ref pumpsAfterRemove);

    public long Served => Volatile.Read(ref served);

    public long Failures => Volatile.Read(ref failures);

    public int InPump => Volatile.Read(ref inPump);

    public int MaxInPump => Volatile.Read(ref maxInPump);

    /// <summary>
    /// Waits (bounded) until <paramref name="faults"/> faults are counted as served or failed. The install wakes the
    /// faulter before the handler counts it, so a faulter that has read every page does not mean every count is in.
    /// </summary>
    public bool SettlesAt(long faults) => Infrastructure.Bounded.Until(() => Served + Failures >= faults);

    public nint Page(int page) => memory.Address + ((nint)page * PageSize);

    /// <summary>What byte <paramref name="offset"/> of page <paramref name="page"/> reads once served (0 for a zero-page source).</summary>
    public byte Expected(int page, int offset) => zero ? (byte)0 : PatternByte(page, offset, salt);

    public static byte PatternByte(int page, int offset, byte salt) => (byte)((page * 131) + (offset * 7) + salt);

    /// <summary>Called by the test right after Remove returned: any pump from now on is a broken quiescence.</summary>
    public void MarkRemoved() => removed = true;

    // AggressiveOptimization, as docs/runtime.md asks of fault-path code: a tier-0 loop replaced mid-loop by on-stack
    // replacement allocates 32 bytes on the thread, which the allocation test would count.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Pump(DispatcherThread thread)
    {
        if (removed)
        {
            Interlocked.Increment(ref pumpsAfterRemove);
        }

        int now = Interlocked.Increment(ref inPump);
        int max;
        while (now > (max = Volatile.Read(ref maxInPump)) && Interlocked.CompareExchange(ref maxInPump, now, max) != max)
        {
        }

        try
        {
            Interlocked.Increment(ref pumps);
            if (RecordThreads)
            {
                PumpThreads.TryAdd(Uffd.Interop.Libc.gettid(), true);
            }

            int count = uffd.ReadMessages(thread.Messages);
            for (int i = 0; i < count; i++)
            {
                if (thread.Messages[i].Kind == UffdEventKind.PageFault
                    && !(HandsOff && thread.Owner.TryHandOff(thread, thread.Messages[i].PageFault, readAt: 0)))
                {
                    Serve(thread, thread.Messages[i].PageFault);
                }
            }

            if (PumpSpinMicroseconds > 0)
            {
                long until = System.Diagnostics.Stopwatch.GetTimestamp() + (System.Diagnostics.Stopwatch.Frequency * PumpSpinMicroseconds / 1_000_000);
                while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
                {
                    Thread.SpinWait(10);
                }
            }

            return false;
        }
        finally
        {
            Interlocked.Decrement(ref inPump);
        }
    }

    /// <summary>The gettid() of every thread that served a fault handed to it, and how many (when <see cref="RecordThreads"/>).</summary>
    public ConcurrentDictionary<int, int> HandOffThreads { get; } = new();

    /// <summary>The gettid() of every thread that served a fault, and how many (when <see cref="RecordThreads"/>).</summary>
    public ConcurrentDictionary<int, int> ServedBy { get; } = new();

    public bool ServeHandedOff(DispatcherThread thread, in PageFaultEvent fault, long readAt)
    {
        if (RecordThreads)
        {
            HandOffThreads.AddOrUpdate(Uffd.Interop.Libc.gettid(), 1, (_, n) => n + 1);
        }

        Serve(thread, fault);
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Serve(DispatcherThread thread, PageFaultEvent fault)
    {
        nint start = fault.PageStart(PageSize);
        UffdResult result;
        if (zero)
        {
            result = uffd.ZeroPage(start, PageSize);
        }
        else
        {
            int page = (int)((start - memory.Address) / PageSize);
            byte* staging = thread.Staging(PageSize);
            for (int offset = 0; offset < PageSize; offset++)
            {
                staging[offset] = PatternByte(page, offset, salt);
            }

            result = uffd.Copy(start, (nint)staging, PageSize);
        }

        Interlocked.Increment(ref result.IsResolvedOrPresent ? ref served : ref failures);
        if (RecordThreads)
        {
            ServedBy.AddOrUpdate(Uffd.Interop.Libc.gettid(), 1, (_, n) => n + 1);
        }
    }

    /// <summary>Unregisters the memory: a thread still blocked in one of its faults wakes and reads an ordinary page.</summary>
    public void Release()
    {
        if (!released && memory is not null)
        {
            released = true;
            uffd.Unregister(memory.Address, memory.Length);
        }
    }

    public void Dispose()
    {
        Release();
        uffd.Dispose();
        memory?.Dispose();
    }
}
