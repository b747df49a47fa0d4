using System.Reflection;
using Uffd;

// userfaultfd exists only on Linux: declaring it once silences CA1416 at every call.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// The README's example: the generator writes Open, AsSpan and the handler threads from the package's analyzers folder.
using var letters = new Letters();
letters.Open();                                   // maps 64 pages, registers them, starts the handler threads
Span<byte> page5 = letters.AsSpan(5L * letters.PageSize, letters.PageSize);   // Fill(5, ...) runs once, on a handler thread
Console.WriteLine($"page 5: {(char)page5[0]}");
Console.WriteLine($"pages filled: {letters.Statistics.PagesFilled}");
// Which build of the runtime this is, so a stale package would show.
Console.WriteLine($"UffdGen {typeof(FaultRegionAttribute).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion}");

[FaultRegion(Mode = FaultMode.Missing, Pages = 64)]
public partial class Letters
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)('a' + pageIndex % 26));
}
