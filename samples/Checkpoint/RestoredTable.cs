using System;
using Uffd;

namespace Checkpoint;

/// <summary>
/// The table restored lazily: nothing is read up front; the first touch of a page faults, and the provider copies
/// that page's latest version out of the snapshot chain. ReadAhead stays 0 so that "pages restored" is exactly
/// "pages touched".
/// </summary>
// UserModeOnly = Allow: every access goes through the accessors, which make pages present first, so a user-mode-only
// uffd (all an unprivileged user gets by default) serves this sample as well; IsUserModeOnly tells which one it got.
[FaultRegion(Mode = FaultMode.Missing, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class RestoredTable
{
    private readonly SnapshotChain chain;

    public RestoredTable(SnapshotChain chain) => this.chain = chain;

    /// <summary>Runs on a handler thread: reads the snapshot files (positional reads), never the region itself.</summary>
    [PageProvider]
    private void Restore(long pageIndex, Span<byte> page) => chain.ReadPage(pageIndex, page);
}
