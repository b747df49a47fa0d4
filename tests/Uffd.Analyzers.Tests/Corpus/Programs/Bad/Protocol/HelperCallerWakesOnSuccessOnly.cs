// corpus: expect UFFD0050
using System;
using Uffd;

namespace Corpus.HelperCallerWakesOnSuccessOnly;

/// <summary>The caller of the quiet helper wakes only when the helper reports success; a failed page sleeps.</summary>
public sealed class Loader
{
    private readonly Userfaultfd _uffd;
    private readonly Func<long, byte[]?> _fetch;
    private readonly int _pageSize;

    public Loader(Userfaultfd uffd, Func<long, byte[]?> fetch, int pageSize)
    {
        _uffd = uffd;
        _fetch = fetch;
        _pageSize = pageSize;
    }

    public void OnFault(nint page, long index)
    {
        bool ok = TryInstall(page, index);
        if (ok)
        {
            _uffd.Wake(page, _pageSize);
        }
        else
        {
            Console.Error.WriteLine($"page {index} unavailable");
        }
    }

    private bool TryInstall(nint page, long index)
    {
        byte[]? contents = _fetch(index);
        UffdResult result = contents is null
            ? _uffd.ZeroPage(page, _pageSize, ZeroPageMode.DontWake)
            : _uffd.Copy(page, contents, CopyMode.DontWake);
        return result.IsDone;
    }
}
