using System;
using System.IO;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.StatusCheckedWait;

/// <summary>
/// A region whose contents come from a dictionary file that is decoded in the background when the region is created.
/// Until the decode has run to completion the provider serves zero pages; afterwards it reads the decoded table, which
/// GetResult returns at once.
/// </summary>
[FaultRegion(Pages = 64)]
public sealed partial class DecodedTable
{
    private readonly Task<byte[]> _decoded;

    public DecodedTable(string path) => _decoded = Task.Run(() => Decode(File.ReadAllBytes(path)));

    private static byte[] Decode(byte[] raw)
    {
        byte[] table = new byte[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            table[i] = (byte)(raw[i] ^ 0x5A);
        }

        return table;
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (_decoded.Status != TaskStatus.RanToCompletion)
        {
            page.Clear();
            return;
        }

        byte[] table = _decoded.GetAwaiter().GetResult();
        long start = pageIndex * page.Length;
        if (start >= table.Length)
        {
            page.Clear();
            return;
        }

        int count = (int)Math.Min(page.Length, table.Length - start);
        table.AsSpan((int)start, count).CopyTo(page);
        page[count..].Clear();
    }
}
