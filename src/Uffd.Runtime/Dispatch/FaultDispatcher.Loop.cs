using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Uffd.Interop;

namespace Uffd.Dispatch;

/// <summary>The handler threads' loop: wait in epoll, pump the sources whose uffd is readable, retry deferred work.</summary>
internal sealed partial class FaultDispatcher
{
    // Set on every dispatcher's threads, for code that must never wait on one (see CurrentThreadIsHandler).
    [ThreadStatic]
    private static bool isHandlerThread;

    /// <summary>
    /// True on a handler thread of any dispatcher: a provider's task completed there (inside another call) is finished
    /// elsewhere, since a handler must never wait for retries.
    /// </summary>
    public static bool CurrentThreadIsHandler => isHandlerThread;

    // AggressiveOptimization: jitted optimized up front, so the loop never allocates on on-stack replacement
    // (docs/runtime.md, "What runs on the fault path").
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void Run(object? argument)
    {
        var t = (DispatcherThread)argument!;
        isHandlerThread = true;
        t.ThreadId = Libc.gettid();
        t.PinError = t.Cpu >= 0 ? CpuAffinity.PinCurrentThread(t.Cpu) : 0;
        t.ManagedThreadId = Environment.CurrentManagedThreadId;
        t.AllocatedBytes = GC.GetAllocatedBytesForCurrentThread();
        t.Started.Set();
        if (parks)
        {
            // The gate's first timed wait allocates its lock and the thread's wait state (about 120 bytes, once):
            // done here, after the start was signalled, so that no park allocates on the fault path.
            t.ParkGate.Wait(1);
            Volatile.Write(ref t.AllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
        }

        try
        {
            while (true)
            {
                // No timeout while nothing is deferred: an idle process's handlers sleep here and cost nothing.
                int timeout = WaitTimeout(t);
                if (HandsOff)
                {
                    // Marked before the last look at the hand-offs (see FaultDispatcher.HandOff.cs).
                    Interlocked.Exchange(ref t.Waiting, 1);
                    if (t.HandOffs.Count > 0)
                    {
                        timeout = 0;
                    }
                }

                int count = Epoll.epoll_wait(t.EpollFd, t.Events, DispatcherThread.EventBatch, timeout);
                if (HandsOff)
                {
                    // Busy from now, written before it stops waiting: a sender never sees it busy since long ago.
                    Volatile.Write(ref t.BusySince, Stopwatch.GetTimestamp());
                    Volatile.Write(ref t.Waiting, 0);
                }

                if (count < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }

                    throw new UffdException($"epoll_wait failed: {Errno.Describe(errno)}.", errno);
                }

                if (count == 0 && t.IsSpare && t.DeferredCount == 0 && TryDismiss(t))
                {
                    return;
                }

                t.Wakeups++;
                bool looking = t.LookBeforeParking;
                t.LookBeforeParking = false;
                if (count > 0 && !looking && TryPark(t, count))
                {
                    continue;
                }

                for (int i = 0; i < count; i++)
                {
                    ulong data = Epoll.DataAt(t.Events, i);
                    if (data == StopData)
                    {
                        return;
                    }

                    if (data == NudgeData)
                    {
                        ClearNudge(t);
                        continue;
                    }

                    ServeHandOffs(t);
                    if (Pump(t, data))
                    {
                        t.Defer(data);
                    }
                }

                ServeHandOffs(t);
                if (t.ReclaimAt != 0)
                {
                    ReclaimHandOffs(t);
                }

                if (t.DeferredCount > 0)
                {
                    PumpDeferred(t);
                }

                // The quiet point: what this thread allocated since the last sample, it allocated serving.
                Volatile.Write(ref t.AllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
                if (looking)
                {
                    TryPark(t, 0);
                }
                else if (parks && count > 0)
                {
                    NudgeIdleHandlers(t);
                }
            }
        }
        catch (Exception e)
        {
            // A handler that stops leaves every later fault of every source hanging forever: fail loudly instead.
            Environment.FailFast($"uffd fault dispatcher: handler thread #{t.Index} failed, and faulting threads would hang. {e}", e);
        }
    }

    /// <summary>
    /// epoll_wait's timeout: none right after a park ended by its timeout (see FaultDispatcher.Parking.cs); forever
    /// with nothing deferred (a spare thread: until it is idle long enough to leave);
    /// with deferred work, none for the first rounds (after a yield: the event the kernel waits for is usually read
    /// by then), then 1 ms, so a long wait costs no CPU; and at most 1 ms while faults this thread handed off may need
    /// taking back.
    /// </summary>
    private static int WaitTimeout(DispatcherThread t)
    {
        int timeout = WaitTimeoutForWork(t);

        // At most 1 ms while faults this thread handed off may need taking back (see FaultDispatcher.HandOff.cs).
        return t.ReclaimAt != 0 && (uint)timeout > 1 ? 1 : timeout;
    }

    private static int WaitTimeoutForWork(DispatcherThread t)
    {
        if (t.LookBeforeParking)
        {
            return 0;
        }

        if (t.DeferredCount == 0)
        {
            return t.IsSpare ? SpareIdleMilliseconds : -1;
        }

        if (t.DeferredRounds < 64)
        {
            Thread.Yield();
            return 0;
        }

        return 1;
    }

    /// <summary>Pumps the sources with deferred work again, and forgets those that have none left.</summary>
    private void PumpDeferred(DispatcherThread t)
    {
        t.DeferredRounds++;
        for (int i = t.DeferredCount - 1; i >= 0; i--)
        {
            if (!Pump(t, t.DeferredAt(i)))
            {
                t.Undefer(i);
            }
        }
    }

    /// <summary>Pumps the source an event is for, unless it was removed since; true when it deferred work.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Pump(DispatcherThread t, ulong data)
    {
        try
        {
            if (EnterSlot(t, data) is not { } source)
            {
                return false;
            }

            t.Pumps++;
            return source.Pump(t);
        }
        finally
        {
            LeaveSlot(t);
        }
    }

    /// <summary>
    /// Marks <paramref name="t"/> as inside the slot an event's data names, and returns its source unless that source
    /// was removed since the data was made (then null). Always pair with <see cref="LeaveSlot"/>, in a finally.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private IFaultSource? EnterSlot(DispatcherThread t, ulong data)
    {
        FaultSourceRegistration registration = FaultSourceRegistration.FromEventData(data);
        Slot slot = Volatile.Read(ref slots)[registration.Slot];

        // Enter first (a full fence), then check: Remove deactivates first, then waits until no thread is in the slot
        // (see the class remarks). Each thread marks only its own field, so two threads pumping one source never
        // share a written cache line.
        Interlocked.Exchange(ref t.CurrentSlot, registration.Slot);
        if (Volatile.Read(ref slot.Active) != registration.Generation)
        {
            return null;
        }

        t.CurrentSourceData = data;
        return slot.Source;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LeaveSlot(DispatcherThread t) => Volatile.Write(ref t.CurrentSlot, -1);
}
