// corpus: expect UFFD0050
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
