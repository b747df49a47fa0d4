// corpus: expect UFFD0050
using System;
using Uffd;

namespace Corpus.WakesTheOtherUffd;

/// <summary>Two uffds, one for missing faults and one for write-protect; the wake goes to the wrong one.</summary>
public sealed class SplitHandlers
{
    private readonly Userfaultfd _missing;
    private readonly Userfaultfd _writes;
    private readonly int _pageSize;

    public SplitHandlers(Userfaultfd missing, Userfaultfd writes, int pageSize)
    {
        _missing = missing;
        _writes = writes;
        _pageSize = pageSize;
    }

    public void OnMissing(nint page, ReadOnlySpan<byte> contents)
    {
        UffdResult result = _missing.Copy(page, contents, CopyMode.DontWake | CopyMode.WriteProtect);
        if (result.Outcome == UffdOutcome.TargetGone)
        {
            return;
        }

        _writes.Wake(page, _pageSize);
    }

    public void OnWrite(nint page)
    {
        UffdResult result = _writes.RemoveWriteProtection(page, _pageSize);
        if (result.Outcome == UffdOutcome.AlreadyPresent)
        {
            _writes.Wake(page, _pageSize);
        }
    }
}
