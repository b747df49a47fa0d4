// corpus: expect UFFD0032
using System;
using System.Buffers.Binary;
using Uffd;

namespace Corpus.RawHeaderHelper;

[FaultRegion(Pages = 64)]
public sealed partial class Container
{
    private readonly byte[] _file;

    public Container(byte[] file) => _file = file;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        long start = pageIndex * page.Length;
        if (start < _file.Length)
        {
            _file.AsSpan((int)start, (int)Math.Min(page.Length, _file.Length - start)).CopyTo(page);
        }
    }
}

public static unsafe class ContainerFormat
{
    public static bool IsValid(Container container) => HasMagic((byte*)container.BaseAddress);

    /// <summary>Written for any buffer; handed the region's base, it reads region memory in managed code.</summary>
    private static bool HasMagic(byte* header) =>
        BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(header, 4)) == 0x1F8B0800;
}
