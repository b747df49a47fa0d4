// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.AliasStagingByIndex;

[FaultRegion(Pages = 32, Mode = FaultMode.Minor, Memory = RegionMemory.Shared, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Cache
{
    [PageProvider]
    private PageFill Fill(in PageFaultContext context, Span<byte> page) => PageFill.Filled;

    /// <summary>Puts a page's content in the page cache before anyone reads it.</summary>
    public void Stage(long pageIndex, ReadOnlySpan<byte> content) => content.CopyTo(AliasSpan(pageIndex * 4096, content.Length));
}
