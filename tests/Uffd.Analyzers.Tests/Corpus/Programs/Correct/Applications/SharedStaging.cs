using System;
using System.Text;
using Uffd;

namespace Corpus.SharedStaging;

/// <summary>Content staged through the alias view; the provider checks each page on its first access.</summary>
[FaultRegion(Mode = FaultMode.Minor, Pages = 16)]
public sealed partial class StagedDocument
{
    private int _checked;

    public int CheckedPages => _checked;

    [PageProvider]
    private PageFill Check(PageFaultContext context, Span<byte> page)
    {
        // A minor fault hands the page-cache page itself: it already holds what was staged.
        System.Threading.Interlocked.Increment(ref _checked);
        return page.IndexOfAnyExcept((byte)0) < 0 ? PageFill.Zero : PageFill.Filled;
    }

    public void Stage(long pageIndex, string text)
    {
        Span<byte> staging = AliasSpan(pageIndex * PageSize, PageSize);
        staging.Clear();
        Encoding.UTF8.GetBytes(text, staging);
    }
}

public static class Program
{
    public static string FirstLine()
    {
        using var document = new StagedDocument();
        document.Open();
        document.Stage(0, "hello from the page cache\n");
        ReadOnlySpan<byte> page = document.AsReadOnlySpan(0, document.PageSize);
        int end = page.IndexOf((byte)'\n');
        return Encoding.UTF8.GetString(page.Slice(0, end));
    }
}
