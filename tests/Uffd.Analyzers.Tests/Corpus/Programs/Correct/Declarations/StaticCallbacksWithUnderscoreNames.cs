using System;
using Uffd;

namespace Corpus.StaticCallbacksWithUnderscoreNames;

// A team style with snake_case helpers and a lower-case region name generated from a schema.
#pragma warning disable CS8981 // the schema's name, kept on purpose
[FaultRegion(Pages = 4, UserModeOnly = UserModeOnlyPolicy.Require)]
public sealed partial class sensor_frames
{
    [PageProvider]
    private static void fill_page(long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);
}
#pragma warning restore CS8981
