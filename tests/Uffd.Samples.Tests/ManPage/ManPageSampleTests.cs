using System.Globalization;
using System.Text.RegularExpressions;
using Uffd.Samples.Tests.Infrastructure;
using Uffd.Tests.Shared;

namespace Uffd.Samples.Tests.ManPage;

/// <summary>The ManPage sample as a user runs it: one fault per page, each page read back with its fault's letter.</summary>
public sealed partial class ManPageSampleTests
{
    [GeneratedRegex(@"^    UFFD_EVENT_PAGEFAULT event: flags = 0; address = ([0-9a-f]+)$")]
    private static partial Regex FaultLine();

    [GeneratedRegex(@"^Read address 0x([0-9a-f]+) in main\(\): (.)$")]
    private static partial Regex ReadLine();

    [GeneratedRegex(@"^Address returned by Open\(\) = 0x([0-9a-f]+) \(3 pages of (\d+) bytes\)$")]
    private static partial Regex Header();

    [Theory]
    [InlineData("3")]
    [InlineData("")]           // 3 pages is the default
    [InlineData("--slow 3")]   // the man page's pace: 100 ms per read, same output
    public void ManPage_with_3_pages_takes_3_faults_and_reads_each_page_4_times_with_its_fault_letter(string args)
    {
        ChildResult result = Sample.Run("ManPage", args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(result.ExitCode == 0, result.ToString());
        Match header = Header().Match(result.Lines[0]);
        Assert.True(header.Success, result.ToString());
        long baseAddress = Hex(header.Groups[1].Value);
        long pageSize = long.Parse(header.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.Equal(Environment.SystemPageSize, pageSize);

        // Fault lines: one per page, in page order, each at its page's start.
        long[] faults = [.. result.Lines.Select(l => FaultLine().Match(l)).Where(m => m.Success).Select(m => Hex(m.Groups[1].Value))];
        Assert.Equal([baseAddress, baseAddress + pageSize, baseAddress + 2 * pageSize], faults);
        Assert.Equal(3, result.Lines.Count(l => l.Contains("UFFD_EVENT_PAGEFAULT", StringComparison.Ordinal)));

        // Read lines: 1024 bytes apart from offset 0xf, each showing the letter of the fault that filled its page.
        Match[] reads = [.. result.Lines.Select(l => ReadLine().Match(l)).Where(m => m.Success)];
        Assert.Equal(12, result.Lines.Count(l => l.StartsWith("Read address", StringComparison.Ordinal)));
        Assert.Equal("AAAABBBBCCCC", string.Concat(reads.Select(m => m.Groups[2].Value)));
        Assert.EndsWith("00f", reads[0].Groups[1].Value, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => baseAddress + 0xf + 1024L * i), reads.Select(m => Hex(m.Groups[1].Value)));

        // Each page's fault line comes before its first read (the provider prints before the page is installed).
        var order = result.Lines.Where(l => FaultLine().IsMatch(l) || ReadLine().IsMatch(l)).Select(l => l[0] == ' ' ? 'F' : 'R');
        Assert.Equal("FRRRRFRRRRFRRRR", string.Concat(order));
        Assert.Equal("3 faults served, one per page.", result.Lines[^1]);
        Assert.Equal("", result.Stderr);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("3", "4")]
    [InlineData("--fast")]
    public void ManPage_refuses_an_invalid_argument_with_its_usage_and_exit_code_2(params string[] args)
    {
        ChildResult result = Sample.Run("ManPage", args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.StartsWith($"ManPage: invalid argument '{args[^1]}'.", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Usage: ManPage [pages] [--slow]", result.Stderr, StringComparison.Ordinal);
    }

    private static long Hex(string digits) => long.Parse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
