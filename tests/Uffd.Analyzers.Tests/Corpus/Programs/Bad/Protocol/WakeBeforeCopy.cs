// corpus: expect UFFD0050
using System;
using Uffd;

namespace Corpus.WakeBeforeCopy;

/// <summary>The wake was written first, as if it announced the copy: it wakes nobody, and the copy never wakes.</summary>
public static class Announcer
{
    public static bool Resolve(Userfaultfd uffd, nint page, ReadOnlySpan<byte> contents)
    {
        uffd.Wake(page, contents.Length);
        UffdResult result = uffd.Copy(page, contents, CopyMode.DontWake);
        return result.IsResolvedOrPresent;
    }
}
