using System;
using System.Diagnostics;
using Uffd;

namespace Corpus.FaultOffsets;

/// <summary>A provider that logs where each fault lands: its offset, page and a hash bucket of 4096.</summary>
[FaultRegion(Pages = 32, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Traced
{
    private static readonly ActivitySource s_source = new("Corpus.FaultOffsets", "1.0");

    [PageProvider]
    private void Fill(in PageFaultContext context, Span<byte> page)
    {
        long offset = context.Offset;
        long page4k = offset / context.PageSize;
        using Activity? activity = s_source.StartActivity("fill");
        activity?.SetTag("offset", offset);
        activity?.SetTag("page", page4k);
        activity?.SetTag("bucket", (page4k * 2654435761L) % 4096);
        page.Fill((byte)(offset >> 20));
    }
}
