using System;
using Uffd;

namespace Corpus.DeconstructedOutcome;

/// <summary>Resolutions whose result is taken apart with a deconstruction or copied out before it is tested.</summary>
public static class OutcomeLogger
{
    public static long Install(Userfaultfd uffd, nint page, ReadOnlySpan<byte> contents)
    {
        var (outcome, bytesDone, errno) = uffd.Copy(page, contents, CopyMode.DontWake);
        if (outcome == UffdOutcome.TargetGone)
        {
            return -1;
        }

        if (errno != 0 && outcome != UffdOutcome.AlreadyPresent)
        {
            Console.Error.WriteLine($"copy to 0x{page:x}: errno {errno}");
        }

        uffd.Wake(page, contents.Length);
        return bytesDone;
    }

    public static bool Zero(Userfaultfd uffd, nint page, int pageSize)
    {
        UffdOutcome outcome = uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake).Outcome;
        if (outcome is UffdOutcome.TargetGone or UffdOutcome.RangeGone)
        {
            return false;
        }

        uffd.Wake(page, pageSize);
        return true;
    }
}
