// corpus: expect UFFD0051
using System;
using System.Collections.Concurrent;
using Uffd;

namespace Corpus.UnprotectResultIgnored;

/// <summary>The write-protect handler ignores RetryAfterEvents: the writer stays blocked while the range changes.</summary>
public sealed class WriteCounter
{
    private readonly Userfaultfd _uffd;
    private readonly int _pageSize;
    private readonly ConcurrentDictionary<nint, int> _writes = new();

    public WriteCounter(Userfaultfd uffd, int pageSize)
    {
        _uffd = uffd;
        _pageSize = pageSize;
    }

    public void OnFault(PageFaultEvent fault)
    {
        nint page = fault.PageStart(_pageSize);
        _writes.AddOrUpdate(page, 1, (_, count) => count + 1);
        _uffd.RemoveWriteProtection(page, _pageSize);
    }
}
