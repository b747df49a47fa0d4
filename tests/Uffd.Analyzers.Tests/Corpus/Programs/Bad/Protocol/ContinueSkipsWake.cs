// corpus: expect UFFD0050
using System;
using Uffd;

namespace Corpus.ContinueSkipsWake;

/// <summary>Zero pages are installed quietly; a `continue` for read-ahead entries jumps over the wake.</summary>
public sealed class ZeroFiller
{
    private readonly Userfaultfd _uffd;
    private readonly int _pageSize;

    public ZeroFiller(Userfaultfd uffd, int pageSize)
    {
        _uffd = uffd;
        _pageSize = pageSize;
    }

    public void Fill(ReadOnlySpan<UffdMessage> messages, nint readAheadLimit)
    {
        foreach (UffdMessage message in messages)
        {
            if (message.Kind != UffdEventKind.PageFault)
            {
                continue;
            }

            nint page = message.PageFault.PageStart(_pageSize);
            UffdResult result = _uffd.ZeroPage(page, _pageSize, ZeroPageMode.DontWake);
            if (result.Outcome == UffdOutcome.TargetGone)
            {
                return;
            }

            if (page >= readAheadLimit)
            {
                continue;
            }

            _uffd.Wake(page, _pageSize);
        }
    }
}
