// corpus: expect UFFD0031
using System;
using System.Diagnostics;
using System.IO;
using Uffd;

namespace Corpus.BlockingExternalDecoder;

/// <summary>Each page is decoded by an external tool into a temporary file.</summary>
[FaultRegion(Pages = 64, OnProviderError = ProviderErrorPolicy.Poison)]
public sealed partial class DecodedPages(string archive)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        string output = Path.Combine(Path.GetTempPath(), $"page-{Environment.ProcessId}-{pageIndex}.bin");
        using Process decoder = Process.Start("xz", $"--decode --stdout --single-stream {archive}.{pageIndex}.xz > {output}")!;
        decoder.WaitForExit();
        byte[] bytes = File.ReadAllBytes(output);
        File.Delete(output);
        bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
    }
}
