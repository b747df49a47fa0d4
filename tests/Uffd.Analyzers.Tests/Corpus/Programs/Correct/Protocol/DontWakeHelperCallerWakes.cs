using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.DontWakeHelperCallerWakes;

/// <summary>
/// A snapshot restorer: a private helper installs one page with DontWake and returns whether it is in place; the
/// caller restores a whole extent and wakes it once.
/// </summary>
public sealed class SnapshotRestorer
{
    private readonly Userfaultfd _uffd;
    private readonly IReadOnlyDictionary<long, byte[]> _snapshot;
    private readonly int _pageSize;

    public SnapshotRestorer(Userfaultfd uffd, IReadOnlyDictionary<long, byte[]> snapshot, int pageSize)
    {
        _uffd = uffd;
        _snapshot = snapshot;
        _pageSize = pageSize;
    }

    public int RestoreExtent(nint first, long firstIndex, int pages)
    {
        int installed = 0;
        for (int i = 0; i < pages; i++)
        {
            if (InstallQuietly(first + i * _pageSize, firstIndex + i))
            {
                installed++;
            }
        }

        _uffd.Wake(first, (long)pages * _pageSize);
        return installed;
    }

    private bool InstallQuietly(nint address, long index)
    {
        UffdResult result = _snapshot.TryGetValue(index, out byte[]? contents)
            ? _uffd.Copy(address, contents, CopyMode.DontWake)
            : _uffd.ZeroPage(address, _pageSize, ZeroPageMode.DontWake);
        return result.IsResolvedOrPresent;
    }
}
