using System.Runtime.InteropServices;

namespace Uffd.Regions;

/// <summary>Counters of one region since it was opened (a snapshot; reading them never blocks the handlers).</summary>
/// <param name="Messages">
/// Page-fault messages read (duplicates included): <see cref="MissingMessages"/> + <see cref="MinorMessages"/> +
/// <see cref="WriteProtectMessages"/>.
/// </param>
/// <param name="PagesFilled">Pages the provider filled and the engine installed (read-ahead included).</param>
/// <param name="ZeroPages">Pages mapped as zero pages (<see cref="PageFill.Zero"/> or the ZeroFill policy).</param>
/// <param name="PoisonedPages">Pages poisoned (<see cref="PageFill.Poison"/> or the Poison policy).</param>
/// <param name="WriteFaults">
/// Write-handler calls: one per write-protect fault served, one per page a span lease or write prefault made writable,
/// and one more for a fault that a <c>Protect</c> overtook (the write is then reported again in the new epoch).
/// </param>
/// <param name="MinorFaults">Minor faults served.</param>
/// <param name="AlreadyPresent">Resolutions that found the page present (answered with a wake).</param>
/// <param name="Retries">Resolutions retried after EAGAIN.</param>
/// <param name="ProviderErrors">Provider or write-handler exceptions.</param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct FaultRegionStatistics(
    long Messages,
    long PagesFilled,
    long ZeroPages,
    long PoisonedPages,
    long WriteFaults,
    long MinorFaults,
    long AlreadyPresent,
    long Retries,
    long ProviderErrors)
{
    /// <summary>Of <see cref="Messages"/>, those for missing faults (a page never filled, or made missing again).</summary>
    public long MissingMessages { get; init; }

    /// <summary>Of <see cref="Messages"/>, those for minor faults (a page in the page cache but not mapped).</summary>
    public long MinorMessages { get; init; }

    /// <summary>Of <see cref="Messages"/>, those for write-protect faults (a write to a protected page).</summary>
    public long WriteProtectMessages { get; init; }
}
