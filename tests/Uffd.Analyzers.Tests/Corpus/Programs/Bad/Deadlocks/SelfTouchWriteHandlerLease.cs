// corpus: expect UFFD0030
using System;
using Uffd;

namespace Corpus.SelfTouchWriteHandlerLease;

/// <summary>A versioned store whose write handler bumps a version counter kept in page 0 of the same region.</summary>
[FaultRegion(Pages = 64, Mode = FaultMode.Missing | FaultMode.WriteProtect, ProtectOnFill = true)]
public sealed partial class VersionedStore
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(long pageIndex)
    {
        if (pageIndex == 0)
        {
            return;
        }

        using SpanLease header = LeaseSpan(0, sizeof(long));
        BitConverter.TryWriteBytes(header.Span, BitConverter.ToInt64(header.Span) + 1);
    }
}
