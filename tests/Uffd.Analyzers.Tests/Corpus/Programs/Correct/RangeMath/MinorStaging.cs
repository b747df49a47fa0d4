using System;
using System.IO;
using Uffd;

namespace Corpus.MinorStaging;

/// <summary>
/// Minor faults over shared memory: content is staged through the alias in 4096-byte blocks of the source format,
/// and the provider only checks the staged page.
/// </summary>
[FaultRegion(Pages = 128, Mode = FaultMode.Minor, Memory = RegionMemory.Shared, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Staged
{
    private const int BlockSize = 4096;

    [PageProvider]
    private PageFill Fill(in PageFaultContext context, Span<byte> page) => PageFill.Filled;

    public void Stage(Stream source)
    {
        byte[] block = new byte[BlockSize];
        long offset = 0;
        int read;
        while (offset < Length && (read = source.Read(block, 0, BlockSize)) > 0)
        {
            int length = (int)Math.Min(read, Length - offset);
            block.AsSpan(0, length).CopyTo(AliasSpan(offset, length));
            offset += read;
        }
    }
}
