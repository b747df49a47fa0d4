// corpus: expect UFFD0050
using System;
using Uffd;

namespace Corpus.WakeOnlyForWrites;

/// <summary>The wake after a quiet copy was put under the write-fault branch; readers are never woken.</summary>
public sealed class Resolver
{
    private readonly Userfaultfd _uffd;
    private readonly int _pageSize;

    public Resolver(Userfaultfd uffd, int pageSize)
    {
        _uffd = uffd;
        _pageSize = pageSize;
    }

    public long Writes { get; private set; }

    public UffdOutcome Resolve(in PageFaultEvent fault, byte[] contents)
    {
        nint page = fault.PageStart(_pageSize);
        UffdResult result = _uffd.Copy(page, contents, CopyMode.DontWake);
        if (fault.IsWrite)
        {
            Writes++;
            _uffd.Wake(page, _pageSize);
        }

        return result.Outcome;
    }
}
