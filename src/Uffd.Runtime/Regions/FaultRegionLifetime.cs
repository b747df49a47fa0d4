using System;
using System.Threading;
using System.Threading.Tasks;

namespace Uffd.Regions;

/// <summary>
/// The life of one region: opened once, disposed once, in any order and from any threads. A generated
/// <c>[FaultRegion]</c> class owns one and forwards its members to <see cref="Engine"/>; code that drives
/// <see cref="FaultRegionEngine{TCallbacks}"/> without the generator can own one too.
/// </summary>
/// <remarks>
/// The protocol: <c>Open</c> moves Unopened to Opening, creates the engine, then moves to Open; a failed engine
/// creation moves back to Unopened, so Open can be retried. <c>Dispose</c> moves any state to Disposed and disposes the
/// engine it finds. A Dispose that runs while another thread is opening finds no engine yet: the opening thread sees
/// Disposed when it finishes and disposes the engine itself, so no engine outlives a Dispose.
/// </remarks>
/// <typeparam name="TCallbacks">The generated struct that calls the region's provider and write handler.</typeparam>
public sealed class FaultRegionLifetime<TCallbacks>
    where TCallbacks : struct, IFaultRegionCallbacks
{
    private readonly string name;
    private readonly string openCall;
    private FaultRegionEngine<TCallbacks>? engine;

    // A remote region's engine between its creation and the end of Open: its faults are served from the start (the
    // remote process is already faulting), and a provider that reads the class's generated members (PageSize, say)
    // reaches the engine through this. Dispose never sees it: a Dispose during Open is handled when Open ends.
    private FaultRegionEngine<TCallbacks>? starting;
    private int state;

    /// <summary>Creates the lifetime of an unopened region.</summary>
    /// <param name="name">The region's name, for the exceptions (the class's name for a generated region).</param>
    /// <param name="openCall">How the region is opened, for the "not open" exception: <c>Open()</c> or <c>Open(pages)</c>.</param>
    public FaultRegionLifetime(string name, string openCall)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(openCall);
        this.name = name;
        this.openCall = openCall;
    }

    /// <summary>Where the region is in its life.</summary>
    public RegionState State => (RegionState)Volatile.Read(ref state);

    /// <summary>True between a successful <see cref="Open"/> and <see cref="Dispose"/>. Never throws.</summary>
    public bool IsOpen => Volatile.Read(ref engine) is not null;

    /// <summary>The open region's engine.</summary>
    /// <exception cref="InvalidOperationException">The region is not open (the message says which Open to call).</exception>
    /// <exception cref="ObjectDisposedException">The region was disposed.</exception>
    public FaultRegionEngine<TCallbacks> Engine =>
        Volatile.Read(ref engine)
        ?? Volatile.Read(ref starting)
        ?? throw (State == RegionState.Disposed
            ? new ObjectDisposedException(name)
            : new InvalidOperationException($"{name} is not open: call {openCall} first."));

    /// <summary>Opens the region with <paramref name="settings"/> (its <c>Pages</c> are the size) and starts serving its faults.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><c>settings.Pages</c> is not positive (reported as the <c>pages</c> argument).</exception>
    /// <exception cref="InvalidOperationException">The region is open or being opened: a region is opened once.</exception>
    /// <exception cref="ObjectDisposedException">The region was disposed.</exception>
    /// <exception cref="UffdUnavailableException">No userfaultfd the settings accept could be created; the region stays unopened.</exception>
    /// <exception cref="UffdException">The region could not be mapped or registered; it stays unopened.</exception>
    public void Open(TCallbacks callbacks, FaultRegionSettings settings)
    {
        if (settings.Pages <= 0)
        {
            throw new ArgumentOutOfRangeException("pages", settings.Pages, "A region has at least one page.");
        }

        OpenWith(_ => FaultRegionEngine<TCallbacks>.Open(callbacks, settings));
    }

    /// <summary>
    /// Starts serving another process's memory (<see cref="FaultRegionEngine{TCallbacks}.OpenRemote(TCallbacks, FaultRegionSettings, RemoteMemory)"/>): the generated
    /// <c>Serve</c> of a <c>[FaultRegion(Remote = true)]</c> class. <c>settings.Pages</c> is ignored.
    /// </summary>
    /// <exception cref="InvalidOperationException">The region is open or being opened, or the memory is served by another region.</exception>
    /// <exception cref="ObjectDisposedException">The region was disposed.</exception>
    /// <exception cref="ArgumentException">The settings or the memory do not make a remote region (see OpenRemote).</exception>
    public void OpenRemote(RemoteMemory memory, TCallbacks callbacks, FaultRegionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(memory);
        OpenWith(serving => FaultRegionEngine<TCallbacks>.OpenRemote(callbacks, settings, memory, serving));
    }

    /// <summary>
    /// Waits until the open region has <see cref="FaultRegionEngine{TCallbacks}.Ended"/> (a remote region's process
    /// exited) or <paramref name="cancellationToken"/> is cancelled, then disposes the region and returns its final
    /// counters.
    /// </summary>
    /// <exception cref="InvalidOperationException">The region is not open.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the region was disposed first.</exception>
    public async Task<FaultRegionStatistics> ServeUntilEndedAsync(CancellationToken cancellationToken)
    {
        FaultRegionEngine<TCallbacks> served = Engine;
        try
        {
            await served.Ended.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Dispose();
        }

        // Readable after Dispose, and final: no handler serves the region any more.
        return served.Statistics;
    }

    /// <summary>
    /// The open protocol of the remarks, around the engine <paramref name="open"/> creates; <paramref name="open"/> is
    /// given the action that makes an engine reachable through <see cref="Engine"/> before it starts serving.
    /// </summary>
    private void OpenWith(Func<Action<FaultRegionEngine<TCallbacks>>, FaultRegionEngine<TCallbacks>> open)
    {
        int observed = Interlocked.CompareExchange(ref state, (int)RegionState.Opening, (int)RegionState.Unopened);
        if (observed != (int)RegionState.Unopened)
        {
            throw observed == (int)RegionState.Disposed
                ? new ObjectDisposedException(name)
                : new InvalidOperationException($"{name} is already open: a region is opened once.");
        }

        FaultRegionEngine<TCallbacks> opened;
        try
        {
            opened = open(e => Volatile.Write(ref starting, e));
        }
        catch
        {
            // A failed Open (no userfaultfd, no huge pages, ...) leaves the region unopened, so Open can be retried.
            Volatile.Write(ref starting, null);
            Interlocked.CompareExchange(ref state, (int)RegionState.Unopened, (int)RegionState.Opening);
            throw;
        }

        Volatile.Write(ref engine, opened);
        Volatile.Write(ref starting, null);
        if (Interlocked.CompareExchange(ref state, (int)RegionState.Open, (int)RegionState.Opening) == (int)RegionState.Disposed)
        {
            // Dispose ran while the engine was opening and found nothing to dispose: dispose it here.
            Interlocked.Exchange(ref engine, null)?.Dispose();
        }
    }

    /// <summary>Disposes the engine (serves the faults already waiting, stops serving, unmaps) once. Idempotent.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref state, (int)RegionState.Disposed);
        Interlocked.Exchange(ref engine, null)?.Dispose();
    }
}
