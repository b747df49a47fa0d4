using System;
using Uffd;

namespace PageServer;

/// <summary>
/// A guest's memory, served from the snapshot's memory file: page <c>pageIndex</c> of guest memory is page
/// <c>pageIndex</c> of the file, since each mapping's offset is its place in the file. Base pages read ahead when
/// the guest reads sequentially (a boot, a scan), up to 64 KiB at a time; random faults fill their own page only.
/// </summary>
[FaultRegion(Remote = true, ReadAhead = 15, ReadAheadMode = ReadAheadMode.Sequential)]
internal sealed partial class GuestMemory(SnapshotFile snapshot)
{
    [PageProvider(WritesWholePage = true)]
    private void Fill(long pageIndex, Span<byte> pages) => snapshot.Read(pageIndex * PageSize, pages);
}

/// <summary>
/// Guest memory backed by huge pages (a snapshot taken with <c>"huge_pages": "2M"</c>): one 2 MiB page per fault,
/// which is read-ahead enough.
/// </summary>
[FaultRegion(Remote = true)]
internal sealed partial class HugeGuestMemory(SnapshotFile snapshot)
{
    [PageProvider(WritesWholePage = true)]
    private void Fill(long pageIndex, Span<byte> page) => snapshot.Read(pageIndex * PageSize, page);
}
