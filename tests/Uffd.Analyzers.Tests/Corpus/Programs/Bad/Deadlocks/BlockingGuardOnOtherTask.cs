// corpus: expect UFFD0031
using System;
using System.IO;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingGuardOnOtherTask;

/// <summary>
/// The provider checks that the header has loaded, then reads the body task, which may still be running: the check is
/// on the wrong task.
/// </summary>
[FaultRegion(Pages = 128)]
public sealed partial class TwoPartFile
{
    private readonly Task<byte[]> _header;
    private readonly Task<byte[]> _body;

    public TwoPartFile(string path)
    {
        _header = File.ReadAllBytesAsync(path + ".hdr");
        _body = File.ReadAllBytesAsync(path);
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (!_header.IsCompletedSuccessfully)
        {
            page.Clear();
            return;
        }

        byte[] body = _body.Result;
        long start = pageIndex * page.Length;
        int count = (int)Math.Clamp(body.Length - start, 0, page.Length);
        body.AsSpan((int)Math.Min(start, body.Length), count).CopyTo(page);
        page[count..].Clear();
    }
}
