using System;
using System.Runtime.InteropServices;
using System.Threading;
using Uffd.Interop;

namespace Uffd.Dispatch;

/// <summary>
/// Parking: a handler steps aside while the faults come from other CPUs. Every handler with a readable uffd in its
/// set is woken for every fault, and waking one on another CPU costs the faulting CPU an inter-processor interrupt (a
/// VM exit in a guest) inside the fault; the woken one then races the faulting CPU's own handler for the message and,
/// when it wins, wakes the faulting thread across CPUs as well. A parked handler waits on its own gate instead of in
/// epoll_wait, so the kernel wakes only the handlers still in epoll_wait.
/// </summary>
/// <remarks>
/// <para>
/// A handler parks when epoll_wait returns to it while no thread is inside a <see cref="GcSafeMemory"/> access on its
/// own CPU and one is on another CPU whose handler is not parked: that handler is there to serve them
/// (<see cref="FaultingCpus"/>). It does not read the uffd before parking; the other handler does.
/// </para>
/// <para>
/// It unparks when a thread enters an access on its CPU, when the dispatcher stops, or after
/// <see cref="ParkTimeout"/>. After a timeout it looks at its uffds without waiting (<c>epoll_wait</c> with a zero
/// timeout), pumps what it finds, and parks again if the faults are still another handler's: a fault that no other
/// handler took (raised by native code, which is not counted, while the other handler was busy) waits at most that
/// long, and a handler that stays parked is not woken by the faults in between. A handler that the kernel keeps
/// waking inside epoll_wait, but that never returns from it because the faulting CPU's handler reads first, is
/// nudged out once by that handler (<see cref="NudgeIdleHandlers"/>). Parking decisions are taken under one lock, so
/// two handlers never park on each other's account.
/// </para>
/// </remarks>
internal sealed partial class FaultDispatcher
{
    /// <summary>How long a parked handler of the shared dispatcher waits before it looks at its uffds again.</summary>
    internal static readonly TimeSpan DefaultParkTimeout = TimeSpan.FromMilliseconds(10);

    private const ulong NudgeData = ulong.MaxValue - 1;
    private const int NudgeCheckInterval = 64;

    private readonly object parkGate = new();
    private readonly bool parks;

    /// <summary>How long a parked handler waits before it looks at its uffds again.</summary>
    internal TimeSpan ParkTimeout { get; }

    /// <summary>
    /// Parks <paramref name="t"/> if the faults it was woken for are another handler's (<paramref name="count"/>
    /// events just returned by epoll_wait, or 0 when it looks again after a park ended by its timeout); true once it
    /// has parked and unparked.
    /// </summary>
    private unsafe bool TryPark(DispatcherThread t, int count)
    {
        if (!parks || t.IsSpare || t.DeferredCount > 0 || t.HandOffs.Count > 0 || t.ReclaimAt != 0 || (uint)t.Cpu >= FaultingCpus.MaxCpus
            || FaultingCpus.InsideOn(t.Cpu) != 0 || !AnotherHandlerServes(t))
        {
            return false;
        }

        for (int i = 0; i < count; i++)
        {
            if (Epoll.DataAt(t.Events, i) == StopData)
            {
                return false;
            }
        }

        lock (parkGate)
        {
            if (!AnotherHandlerServes(t))
            {
                return false;
            }

            t.ParkGate.Reset();
            Volatile.Write(ref t.Parked, true);
        }

        FaultingCpus.MarkParked(t.Cpu, +1);
        bool unparked = true;
        // After the interlocked mark: an access or a hand-off that came meanwhile is seen here, or it sees the mark.
        if (FaultingCpus.InsideOn(t.Cpu) == 0 && t.HandOffs.Count == 0 && Volatile.Read(ref disposed) == 0)
        {
            unparked = t.ParkGate.Wait(ParkTimeout);
        }

        FaultingCpus.MarkParked(t.Cpu, -1);
        Volatile.Write(ref t.Parked, false);
        t.Parks++;
        t.LookBeforeParking = !unparked;
        return true;
    }

    /// <summary>Gives <paramref name="t"/> its nudge eventfd, in its epoll set.</summary>
    private void AddNudge(DispatcherThread t)
    {
        int fd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new UffdException($"{Owner}: the fault dispatcher could not create the nudge eventfd of handler #{t.Index}: {Errno.Describe(errno)}.", errno);
        }

        t.Nudge = new FileDescriptorHandle(fd, ownsHandle: true);
        int error = Epoll.Control(t.EpollFd, Epoll.EPOLL_CTL_ADD, fd, Epoll.EPOLLIN, NudgeData);
        if (error != 0)
        {
            throw new UffdException($"{Owner}: the fault dispatcher could not add the nudge eventfd to handler #{t.Index}'s epoll fd: {Errno.Describe(error)}.", error);
        }
    }

    /// <summary>
    /// Called by a handler after each wake-up with events; every <see cref="NudgeCheckInterval"/> of them, while a
    /// thread is in an access on its CPU, it nudges the handlers of CPUs without such a thread that are still in
    /// epoll_wait. The kernel wakes those for every fault, but when they find the message taken they sleep again
    /// inside epoll_wait, without coming back to park; the nudge brings them back once.
    /// </summary>
    private unsafe void NudgeIdleHandlers(DispatcherThread t)
    {
        if (++t.SinceNudgeCheck < NudgeCheckInterval || FaultingCpus.InsideOn(t.Cpu) == 0)
        {
            return;
        }

        t.SinceNudgeCheck = 0;
        DispatcherThread[] all = Volatile.Read(ref threads);
        for (int i = 0; i < pinnedCount; i++)
        {
            DispatcherThread other = all[i];
            if (other.Cpu != t.Cpu && !Volatile.Read(ref other.Parked) && !Volatile.Read(ref other.Nudged)
                && FaultingCpus.InsideOn(other.Cpu) == 0 && other.Nudge is { } nudge)
            {
                Volatile.Write(ref other.Nudged, true);
                ulong one = 1;
                Libc.write(nudge, &one, sizeof(ulong));
            }
        }
    }

    /// <summary>Empties <paramref name="t"/>'s nudge eventfd (it is level-triggered) once the thread has woken for it.</summary>
    private static unsafe void ClearNudge(DispatcherThread t)
    {
        ulong value;
        Libc.read(t.Nudge!, &value, sizeof(ulong));
        Volatile.Write(ref t.Nudged, false);
    }

    /// <summary>Another pinned handler, not parked, has a thread in an access on its CPU.</summary>
    private bool AnotherHandlerServes(DispatcherThread t)
    {
        DispatcherThread[] all = Volatile.Read(ref threads);
        for (int i = 0; i < pinnedCount; i++)
        {
            DispatcherThread other = all[i];
            if (other.Cpu != t.Cpu && !Volatile.Read(ref other.Parked) && FaultingCpus.InsideOn(other.Cpu) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Unparks this dispatcher's handlers pinned to <paramref name="cpu"/> (a thread entered an access there).</summary>
    internal void Unpark(int cpu)
    {
        DispatcherThread[] all = Volatile.Read(ref threads);
        for (int i = 0; i < pinnedCount; i++)
        {
            if (all[i].Cpu == cpu && Volatile.Read(ref all[i].Parked))
            {
                all[i].ParkGate.Set();
            }
        }
    }

    private void UnparkAll()
    {
        foreach (DispatcherThread t in Volatile.Read(ref threads))
        {
            t?.ParkGate.Set();
        }
    }
}
