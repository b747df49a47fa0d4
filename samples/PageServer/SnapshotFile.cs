using System;
using System.IO;
using System.IO.MemoryMappedFiles;

namespace PageServer;

/// <summary>
/// The snapshot's memory file, mapped read-only: a fault's pages are one copy out of the page cache, as in
/// Firecracker's own example handlers. Faults on this mapping are ordinary page-cache faults, never uffd ones.
/// </summary>
internal sealed unsafe class SnapshotFile : IDisposable
{
    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;
    private readonly byte* start;

    public SnapshotFile(string path)
    {
        Length = new FileInfo(path).Length;
        file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        view = file.CreateViewAccessor(0, Length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        start = pointer + view.PointerOffset;
        // Populated up front, as Firecracker's handlers map the file (MAP_POPULATE): a fault's copy then never waits for
        // the page cache to be mapped in this process.
        for (long at = 0; at < Length; at += Environment.SystemPageSize)
        {
            _ = start[at];
        }
    }

    public long Length { get; }

    /// <summary>Copies the file's bytes at <paramref name="offset"/> into <paramref name="destination"/>; zeros past its end.</summary>
    public void Read(long offset, Span<byte> destination)
    {
        long available = Math.Clamp(Length - offset, 0, destination.Length);
        new ReadOnlySpan<byte>(start + offset, (int)available).CopyTo(destination);
        destination[(int)available..].Clear();
    }

    public void Dispose()
    {
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        file.Dispose();
    }
}
