using System;
using System.Text;
using Uffd;

namespace Corpus.MinorStagedTemplates;

/// <summary>
/// Document templates staged into shared memory through the alias view; the provider runs on each page's first
/// access through the region and may stamp it, seeing what was staged.
/// </summary>
[FaultRegion(Mode = FaultMode.Minor, Memory = RegionMemory.Shared, Pages = 32)]
public sealed partial class Templates
{
    private long _served;

    public long Served => System.Threading.Interlocked.Read(ref _served);

    [PageProvider]
    private PageFill OnFirstAccess(in PageFaultContext context, Span<byte> page)
    {
        System.Threading.Interlocked.Increment(ref _served);
        if (page[0] == 0)
        {
            Encoding.ASCII.GetBytes("(empty template)").CopyTo(page);
        }

        return PageFill.Filled;
    }

    public void Stage(long pageIndex, string text)
    {
        Span<byte> staging = AliasSpan(pageIndex * PageSize, PageSize);
        staging.Clear();
        Encoding.UTF8.GetBytes(text).CopyTo(staging);
    }
}
