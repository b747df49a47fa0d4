// corpus: expect UFFD0050
// corpus: known-miss the wake is under a test of the copy's own result, which the rule takes for outcome handling (it does not know that IsDone excludes AlreadyPresent, whose waiters nobody wakes)
using System;
using Uffd;

namespace Corpus.WakeOnlyWhenDone;

public static class DoneOnly
{
    public static bool Serve(Userfaultfd uffd, nint page, ReadOnlySpan<byte> contents)
    {
        UffdResult result = uffd.Copy(page, contents, CopyMode.DontWake);
        if (result.IsDone)
        {
            uffd.Wake(page, contents.Length);
            return true;
        }

        return false;
    }
}
