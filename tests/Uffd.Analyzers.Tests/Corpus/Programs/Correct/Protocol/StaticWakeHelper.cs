using System;
using Uffd;

namespace Corpus.StaticWakeHelper;

/// <summary>A small utility class of the handler's file wakes whole runs of pages.</summary>
internal static class Waker
{
    public static void WakePages(Userfaultfd uffd, nint first, int pages, int pageSize) =>
        uffd.Wake(first, (long)pages * pageSize);
}

public sealed class RunInstaller
{
    private readonly Userfaultfd _uffd;
    private readonly int _pageSize;

    public RunInstaller(Userfaultfd uffd, int pageSize)
    {
        _uffd = uffd;
        _pageSize = pageSize;
    }

    public void InstallRun(nint first, byte[][] pages)
    {
        for (int i = 0; i < pages.Length; i++)
        {
            UffdResult result = _uffd.Copy(first + i * _pageSize, pages[i], CopyMode.DontWake);
            if (result.Outcome == UffdOutcome.TargetGone)
            {
                return;
            }
        }

        Waker.WakePages(_uffd, first, pages.Length, _pageSize);
    }
}
