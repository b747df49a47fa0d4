using System;
using Uffd;

namespace Corpus.WriteProtectAuditedBuffer;

/// <summary>A shared configuration buffer: after it is sealed, each page's first write is audited.</summary>
[FaultRegion(Mode = FaultMode.WriteProtect, Pages = 4, HandlerThreads = 1)]
public sealed partial class AuditedBuffer
{
    private readonly Action<long> _audit;

    public AuditedBuffer(Action<long> audit) => _audit = audit;

    [WriteHandler]
    private void OnWrite(long pageIndex) => _audit(pageIndex);

    public void Seal() => Protect(0, PageCount);

    public void Update(long offset, byte value)
    {
        using SpanLease lease = LeaseSpan(offset, 1);
        lease.Span[0] = value;
    }
}
