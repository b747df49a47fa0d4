using System;
using System.Runtime.InteropServices;
using Uffd;

namespace Corpus.NativeScratchBuffer;

/// <summary>
/// A provider that decodes through a native library wanting a fixed 4 KiB scratch buffer of its own (allocated
/// with a guard word after it, per fill), and copies the decoded bytes into the page.
/// </summary>
[FaultRegion(Pages = 64)]
public sealed unsafe partial class Decoded
{
    private const int ScratchBytes = 4096;

    [PageProvider]
    private void Fill(in PageFaultContext context, Span<byte> page)
    {
        nint scratch = Marshal.AllocHGlobal(ScratchBytes + sizeof(long));
        try
        {
            nint guard = scratch + 4096;
            Marshal.WriteInt64(guard, 0x5afe5afe5afe5afe);
            var bytes = new Span<byte>((void*)scratch, ScratchBytes);
            bytes.Fill((byte)context.PageIndex);
            if (Marshal.ReadInt64(guard) != 0x5afe5afe5afe5afe)
            {
                throw new InvalidOperationException("decoder overran its scratch buffer");
            }

            for (int i = 0; i < page.Length; i += ScratchBytes)
            {
                bytes.Slice(0, Math.Min(ScratchBytes, page.Length - i)).CopyTo(page.Slice(i));
            }
        }
        finally
        {
            Marshal.FreeHGlobal(scratch);
        }
    }
}
