// corpus: expect UFFD0050
using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.HelperCallerNeverWakes;

/// <summary>The quiet install was factored out into a helper, and the caller forgot that it must wake.</summary>
public sealed class PageServer
{
    private readonly Userfaultfd _uffd;
    private readonly Dictionary<long, byte[]> _pages;
    private readonly nint _base;
    private readonly int _pageSize;

    public PageServer(Userfaultfd uffd, Dictionary<long, byte[]> pages, nint baseAddress, int pageSize)
    {
        _uffd = uffd;
        _pages = pages;
        _base = baseAddress;
        _pageSize = pageSize;
    }

    public void OnFault(in PageFaultEvent fault)
    {
        nint page = fault.PageStart(_pageSize);
        if (!InstallQuietly(page))
        {
            Console.Error.WriteLine($"no contents for 0x{page:x}");
        }
    }

    private bool InstallQuietly(nint page)
    {
        long index = (page - _base) / _pageSize;
        UffdResult result = _pages.TryGetValue(index, out byte[]? contents)
            ? _uffd.Copy(page, contents, CopyMode.DontWake)
            : _uffd.ZeroPage(page, _pageSize, ZeroPageMode.DontWake);
        return result.IsResolvedOrPresent;
    }
}
