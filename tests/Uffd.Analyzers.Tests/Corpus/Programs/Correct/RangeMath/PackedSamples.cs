using System;
using System.IO;
using Uffd;

namespace Corpus.PackedSamples;

/// <summary>
/// Decodes 12-bit ADC samples (two per 3 bytes, packed in an int) into 16-bit values, one page of output at a time.
/// The 0xFFF masks and the shifts by 12 are the sample width, not the page size.
/// </summary>
[FaultRegion(Pages = 64)]
public sealed partial class Samples(int[] packed)
{
    private const int SampleMask = 0xFFF;
    private const int SampleBits = 12;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        int perPage = page.Length / 4;
        long first = pageIndex * perPage;
        for (int i = 0; i < perPage; i++)
        {
            long k = first + i;
            int word = k < packed.Length ? packed[k] : 0;
            ushort low = (ushort)(word & SampleMask);
            ushort high = (ushort)((word >> SampleBits) & 0xFFF);
            BitConverter.TryWriteBytes(page.Slice(i * 4), low);
            BitConverter.TryWriteBytes(page.Slice(i * 4 + 2), high);
        }
    }
}

public static class Flags
{
    /// <summary>O_DSYNC on Linux (octal 010000): cleared when the caller asks for buffered writes.</summary>
    private const int O_DSYNC = 0x1000;

    public static int Buffered(int openFlags) => openFlags & ~O_DSYNC;

    public static FileAttributes Online(FileAttributes attributes) => attributes & ~FileAttributes.Offline;

    public static int Pack(int low, int high) => (low & 4095) | ((high & 4095) << 12);
}
