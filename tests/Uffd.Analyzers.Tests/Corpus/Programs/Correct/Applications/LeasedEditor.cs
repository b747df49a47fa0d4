using System;
using System.Text;
using Uffd;

namespace Corpus.LeasedEditor;

/// <summary>Synchronous write tracking: edits go through leases, which call the write handler before the span is handed out.</summary>
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 32, ProtectOnFill = true)]
public sealed partial class Document
{
    private readonly bool[] _edited = new bool[32];

    [PageProvider]
    private void Load(long pageIndex, Span<byte> page) => Encoding.ASCII.GetBytes($"page {pageIndex}", page);

    [WriteHandler]
    private void Edited(PageFaultContext context) => _edited[context.PageIndex] = true;

    public void Replace(long pageIndex, string text)
    {
        using SpanLease lease = LeaseSpan(pageIndex * PageSize, PageSize);
        Span<byte> page = lease.Span;
        page.Clear();
        Encoding.ASCII.GetBytes(text, page);
    }

    public bool WasEdited(long pageIndex) => _edited[pageIndex];
}

public static class Program
{
    public static void Main()
    {
        using var document = new Document();
        document.Open();
        document.Replace(2, "rewritten");
        Console.WriteLine(document.WasEdited(2));
    }
}
