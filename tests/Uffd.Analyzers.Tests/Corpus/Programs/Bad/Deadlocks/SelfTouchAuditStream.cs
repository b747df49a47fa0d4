// corpus: expect UFFD0030
using System;
using System.IO;
using Uffd;

namespace Corpus.SelfTouchAuditStream;

/// <summary>An audited document: before a protected page is written, the write handler saves its old contents.</summary>
[FaultRegion(Pages = 64, Mode = FaultMode.Missing | FaultMode.WriteProtect, ProtectOnFill = true)]
public sealed partial class AuditedDocument
{
    private readonly string _auditDirectory;

    public AuditedDocument(string auditDirectory) => _auditDirectory = auditDirectory;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)' ');

    [WriteHandler]
    private void BeforeWrite(long pageIndex)
    {
        using Stream region = AsStream();
        region.Position = pageIndex * PageSize;
        byte[] before = new byte[PageSize];
        region.ReadExactly(before);
        File.WriteAllBytes(Path.Combine(_auditDirectory, $"page-{pageIndex}.bak"), before);
    }
}
