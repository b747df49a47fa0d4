using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Uffd.Interop;

namespace Uffd.Regions;

/// <summary>
/// Serving another process's memory (a page-fault handler process, as Firecracker's VMM uses): the engine resolves
/// faults into the remote address space with the same fault path, and never maps, touches, revokes or unmaps those
/// addresses. What differs is here: opening from a received uffd, following the remote process's forks, and seeing
/// it end, which a uffd never reports (no POLLHUP, no EOF): a pidfd of the process, or ESRCH from an install.
/// </summary>
public sealed partial class FaultRegionEngine<TCallbacks>
{
    private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The remote process's exit watch (0: none), and the regions serving its forked children.
    private ulong exitWatch;
    private readonly List<FaultRegionEngine<TCallbacks>> forks = [];
    private Exception? lastRemoteError;

    /// <summary>
    /// Completes when the region can serve nothing more: for a remote region, when its process exits (seen through
    /// a pidfd when <see cref="RemoteMemory.ProcessId"/> is known) or an install finds its address space gone
    /// (ESRCH); for any region, once it is disposed. Never faults. Dispose the region when it completes.
    /// </summary>
    public Task Ended => ended.Task;

    /// <summary>True when the region serves another process's memory (<see cref="OpenRemote(TCallbacks, FaultRegionSettings, RemoteMemory)"/>).</summary>
    public bool IsRemote => remote is not null;

    /// <summary>
    /// The last thing a remote region could not do for its process: serve a forked child (out of descriptors, say;
    /// the child then reads the kernel's zero pages, as a child without the fork event does), or a fault outside
    /// every range, which no provider can fill (the process was killed). Null when nothing went wrong.
    /// </summary>
    public Exception? LastRemoteError => Volatile.Read(ref lastRemoteError);

    /// <summary>The regions serving the remote process's forked children, for tests.</summary>
    internal IReadOnlyList<FaultRegionEngine<TCallbacks>> Forks
    {
        get
        {
            lock (forks)
            {
                return [.. forks];
            }
        }
    }

    /// <summary>
    /// Starts serving another process's memory: the ranges its uffd registered (Missing), with the provider called
    /// for page <c>(range offset + byte in the range) / page size</c>. The region takes the uffd over once the
    /// settings are accepted (a later failure closes it), and closes it when disposed.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <see cref="FaultRegionSettings.Pages"/> is ignored: the region spans the provider's page space up to the end
    /// of the range that ends last. <see cref="FaultRegionSettings.Memory"/> and
    /// <see cref="FaultRegionSettings.UserModeOnly"/> are ignored too: the memory is the remote process's, and so is
    /// the uffd, with the features its sender enabled. The events it enabled are followed: REMOVE (a balloon: the
    /// pages are asked for again when touched), UNMAP, REMAP, and FORK (a region is opened for the child, with the
    /// same provider, and disposed with this one or when the child's address space is gone).
    /// </para>
    /// <para>
    /// Opening wakes every range once: a thread whose fault an earlier handler read but never served waits for a wake
    /// only a handler gives; woken, it faults again, and the message comes to this region. So a process that keeps
    /// its own copy of the uffd (Firecracker's VMM does) can reconnect to a new handler after one crashed.
    /// </para>
    /// <para>
    /// Disposing the region closes this process's descriptor. If the remote process keeps its own copy, its faults
    /// then wait for the next handler it sends the uffd to; if it kept none, the kernel unregisters the ranges and
    /// they read as zero pages from then on, so a client should keep its copy for as long as it runs.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// The mode is not Missing, the page size is neither the base nor the default huge page size, or the provider may
    /// poison pages (PageFill.Poison, or the Poison policy) while the sender did not enable UFFD_FEATURE_POISON.
    /// </exception>
    /// <exception cref="InvalidOperationException">Another region already serves this remote memory.</exception>
    /// <exception cref="UffdException">The process is out of descriptors, or its exit cannot be watched.</exception>
    public static FaultRegionEngine<TCallbacks> OpenRemote(TCallbacks callbacks, FaultRegionSettings settings, RemoteMemory remote) =>
        OpenRemote(callbacks, settings, remote, beforeServing: null);

    /// <summary>
    /// <see cref="OpenRemote(TCallbacks, FaultRegionSettings, RemoteMemory)"/>, calling <paramref name="beforeServing"/>
    /// with the engine before it joins the dispatcher: the remote process is faulting already, so the provider may run
    /// before this returns, and whatever it reaches the engine through must know it by then.
    /// </summary>
    internal static FaultRegionEngine<TCallbacks> OpenRemote(
        TCallbacks callbacks, FaultRegionSettings settings, RemoteMemory remote, Action<FaultRegionEngine<TCallbacks>>? beforeServing)
    {
        ArgumentNullException.ThrowIfNull(remote);
        settings = RemoteSettings(settings, remote);
        RegionSetup.Validate(settings);
        remote.TakeOver();
        RegionResources acquired = RegionResources.AcquireRemote(settings, remote);
        return Build(callbacks, settings, acquired, RegisterMode.Missing, beforeServing);
    }

    /// <summary>The settings a remote region runs with: its pages and memory come from the remote ranges.</summary>
    private static FaultRegionSettings RemoteSettings(FaultRegionSettings settings, RemoteMemory remote)
    {
        string name = string.IsNullOrEmpty(settings.Name) ? "(unnamed)" : settings.Name;
        if (settings.Mode != FaultMode.Missing)
        {
            throw new ArgumentException(
                $"Region '{name}': a remote region serves Missing faults only (Mode is {settings.Mode}). UFFDIO_MOVE cannot resolve into another " +
                "process, CONTINUE needs a mapping of the remote process's shared file, and write protection of remote pages is not supported.",
                nameof(settings));
        }

        bool huge = remote.PageSize != Environment.SystemPageSize;
        if (huge && remote.PageSize != KernelInfo.DefaultHugePageSize)
        {
            throw new ArgumentException(
                $"Region '{name}': the remote pages are {UffdLimits.Bytes(remote.PageSize)}; a remote region serves base pages " +
                $"({UffdLimits.Bytes(Environment.SystemPageSize)}) or the default huge pages ({UffdLimits.Bytes(KernelInfo.DefaultHugePageSize)}).",
                nameof(remote));
        }

        bool mayPoison = settings.ProviderMayPoison || settings.OnProviderError == ProviderErrorPolicy.Poison;
        if (mayPoison && (remote.Uffd.EnabledFeatures & UffdFeatures.Poison) == 0)
        {
            throw new ArgumentException(
                $"Region '{name}': the provider may poison pages (it returns PageFill, or OnProviderError is Poison), but the remote process's uffd " +
                $"was initialised without UFFD_FEATURE_POISON (it enabled {remote.Uffd.EnabledFeatures}). Have the sender request it, or use a " +
                "provider that returns void with OnProviderError = FailFast or ZeroFill.",
                nameof(settings));
        }

        return settings with { Pages = remote.PageSpace, Memory = huge ? RegionMemory.HugePages : RegionMemory.Anonymous };
    }

    /// <summary>Wakes every range, watches the remote process, then joins the dispatcher (see <see cref="OpenRemote(TCallbacks, FaultRegionSettings, RemoteMemory)"/>).</summary>
    private void StartRemote()
    {
        // Before any handler reads: a woken thread's unread message goes with it and its new fault posts one, so no
        // fault is reported twice (waking while a handler serves could make a served fault post a duplicate).
        foreach (RegionSegment s in layout.Segments)
        {
            uffd.Wake(s.Start, s.End - s.Start);
        }

        if (remote!.ProcessId > 0)
        {
            exitWatch = ProcessExitWatch.Watch(remote.ProcessId, OnRemoteEnded);
        }

        registration = dispatcher.Add(this);
    }

    /// <summary>The remote address space is gone (its process exited, or an install answered ESRCH).</summary>
    private void OnRemoteEnded() => ended.TrySetResult();

    /// <summary>
    /// FORK: the kernel installed the child's uffd in this process. A region with the same provider serves the child,
    /// over the ranges as they are now (the child inherits the parent's layout); it is disposed when the child's
    /// address space is gone or with this region. Runs under the read gate, on a handler thread: the forking process
    /// waits in fork() until this event is read, not until it is applied.
    /// </summary>
    private void OnFork(int childFd)
    {
        if (remote is null)
        {
            // A local region never enables the fork event; a descriptor that arrives anyway is not left open.
            Libc.close(childFd);
            return;
        }

        try
        {
            Userfaultfd child = Userfaultfd.Adopt(childFd, null);
            var ranges = new List<RemoteRange>();
            foreach (RegionSegment s in layout.Segments)
            {
                ranges.Add(new RemoteRange(s.Start, s.End - s.Start, s.FirstPage * pageSize));
            }

            FaultRegionEngine<TCallbacks> fork;
            var childMemory = new RemoteMemory(child, ranges, pageSize);
            try
            {
                fork = OpenRemote(callbacks, settings, childMemory);
            }
            catch
            {
                childMemory.Dispose();
                throw;
            }

            lock (forks)
            {
                forks.Add(fork);
            }

            _ = fork.Ended.ContinueWith(
                static (_, state) =>
                {
                    var (parent, child) = ((FaultRegionEngine<TCallbacks>, FaultRegionEngine<TCallbacks>))state!;
                    parent.DisposeFork(child);
                },
                (this, fork), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
        catch (Exception e) when (e is UffdException or ArgumentException or InvalidOperationException or OutOfMemoryException)
        {
            Volatile.Write(ref lastRemoteError, new UffdException(
                $"Region '{settings.Name}': the remote process forked, and its child could not be served ({e.Message}); the child reads zero pages where it faults.", 0, e));
        }
    }

    /// <summary>A fork's region ended: disposed on the thread pool (never on a handler thread) and forgotten.</summary>
    private void DisposeFork(FaultRegionEngine<TCallbacks> fork)
    {
        lock (forks)
        {
            forks.Remove(fork);
        }

        fork.Dispose();
    }

    /// <summary>
    /// A missing fault at an address no range holds, in a remote region whose uffd has no POISON: nothing can fill
    /// it, and leaving it unresolved would hang the thread, so the process is killed through its pidfd (what
    /// Firecracker's own handlers do when they cannot serve a fault). Without a known process, the error is recorded
    /// and the thread waits, as it would with no handler.
    /// </summary>
    private void RemoteFaultNobodyServes(nint page)
    {
        var error = new InvalidOperationException(
            $"Region '{settings.Name}': the remote process faulted at 0x{page:x}, outside every range it declared, and its uffd has no " +
            "UFFD_FEATURE_POISON to fail the access with; " + (remote!.ProcessId > 0 ? $"process {remote.ProcessId} was killed." : "the faulting thread waits."));
        Volatile.Write(ref lastRemoteError, error);
        if (remote.ProcessId <= 0)
        {
            return;
        }

        int pidfd = ProcessAbi.PidfdOpen(remote.ProcessId);
        if (pidfd >= 0)
        {
            ProcessAbi.PidfdSendSignal(pidfd, ProcessAbi.SIGKILL);
            Libc.close(pidfd);
        }
    }

    /// <summary>Dispose's remote part: stop watching the process, dispose the forks' regions.</summary>
    private void EndRemote()
    {
        if (exitWatch != 0)
        {
            ProcessExitWatch.Cancel(exitWatch);
        }

        foreach (FaultRegionEngine<TCallbacks> fork in Forks)
        {
            DisposeFork(fork);
        }
    }

    private void ThrowIfRemote(string operation)
    {
        if (remote is not null)
        {
            throw new InvalidOperationException(
                $"Region '{settings.Name}' serves another process's memory: {operation} would touch addresses that are not mapped in this process. " +
                "A remote region is only served; its process reads and writes the memory.");
        }
    }
}
