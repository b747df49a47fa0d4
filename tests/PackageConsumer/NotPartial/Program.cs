using Uffd;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

Console.WriteLine(typeof(Letters).Name);

// Wrong on purpose: without 'partial' the generator cannot add the region's other half (UFFD0001).
[FaultRegion(Pages = 64)]
public class Letters
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();
}
