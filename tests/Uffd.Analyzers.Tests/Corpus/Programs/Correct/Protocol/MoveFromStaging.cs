using System;
using Uffd;

namespace Corpus.MoveFromStaging;

/// <summary>
/// Pages prepared in a private staging area are moved into the registered range (UFFDIO_MOVE) instead of copied.
/// </summary>
public sealed class StagedMover
{
    private readonly Userfaultfd _uffd;
    private readonly UffdMemory _staging;

    public StagedMover(Userfaultfd uffd, UffdMemory staging)
    {
        _uffd = uffd;
        _staging = staging;
    }

    public bool MoveIn(nint destination, long stagingPage, long pages)
    {
        long length = pages * _staging.PageSize;
        nint source = _staging.Address + (nint)(stagingPage * _staging.PageSize);
        UffdResult result = _uffd.Move(destination, source, length, MoveMode.AllowSourceHoles);
        switch (result.Outcome)
        {
            case UffdOutcome.Done:
                return true;
            case UffdOutcome.AlreadyPresent:
                _uffd.Wake(destination, length);
                return true;
            case UffdOutcome.Partial:
                return MoveIn(destination + (nint)result.BytesDone, stagingPage + result.BytesDone / _staging.PageSize, pages - result.BytesDone / _staging.PageSize);
            case UffdOutcome.SourceBusy:
                // Shared with a forked child: fall back to a copy of the same bytes.
                byte[] bytes = new byte[length];
                GcSafeMemory.Read(source, bytes);
                UffdResult copied = _uffd.Copy(destination, bytes);
                if (copied.Outcome == UffdOutcome.AlreadyPresent)
                {
                    _uffd.Wake(destination, length);
                }

                return copied.IsResolvedOrPresent;
            default:
                return false;
        }
    }
}
