using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Uffd.Torture.Adversarial;

/// <summary>
/// <c>case fork</c>: a forked child must never read a region's memory. The child's copy of a registered range would be
/// registered with no uffd, so a page the provider never filled would read as zeros; region memory is kept out of
/// forks instead, so in the child a system call given a region address fails with EFAULT and a touch is SIGSEGV.
/// For each region (Missing on anonymous and on shared memory, Minor), page 0 is filled by the provider through
/// <c>Read</c> and page 1 is never touched; children then write() from page 1 and page 0 (and the Minor alias), and
/// touch each page; afterwards the parent's region still serves both pages through the provider.
/// </summary>
internal static class ForkCase
{
    private const ulong Seed = 0x5eed_f0f0;

    public static int Run(string[] args)
    {
        int failures = Check("missing-anonymous", new MissingRegion(), staged: false)
                     + Check("missing-shared", new SharedMissingRegion(), staged: false)
                     + Check("minor", new MinorRegion(), staged: true);
        Output.Line(failures == 0 ? "ok fork: no child read region memory" : $"fail fork: {failures} checks failed");
        return failures == 0 ? 0 : Program.Failed;
    }

    private static int Check<T>(string name, T region, bool staged)
        where T : LoggedRegion, ITortureRegion
    {
        using (region)
        {
            region.Start(new RegionLog(2, Seed), 2);
            var report = new Report($"fork region={name}");
            int pageSize = region.PageSize;
            var k = new RoundInfo(Round: 1, Seed, StampSeed: 0, pageSize, Pages: 2, Workers: 1);
            nint alias = 0;
            if (staged)
            {
                // A Minor region's content is staged in the page cache; the provider completes it on the minor fault.
                var minor = (IAliased)region;
                Access.FillThroughAlias(minor, k, 0, leaveProviderWord: true);
                Access.FillThroughAlias(minor, k, 1, leaveProviderWord: true);
                alias = AddressOf(minor.AliasSpan(0, pageSize));
            }

            byte[] page = new byte[pageSize];
            region.Read(0, page);
            report.Expect(Pattern.Check(page, Seed, 0, 0) is null && region.Log.FillCalls is [1, 0],
                "parent: page 0 filled by the provider, page 1 never touched",
                $"parent: page 0 {Pattern.Check(page, Seed, 0, 0) ?? "ok"}, provider calls [{string.Join(", ", region.Log.FillCalls)}]");

            nint page0 = region.BaseAddress, page1 = page0 + pageSize;
            WriteProbe probe = staged ? ForkedChild.WriteFrom([page1, page0, alias]) : ForkedChild.WriteFrom([page1, page0]);
            string[] what = ["page 1 (never filled)", "page 0 (filled)", "the alias of page 0"];
            for (int i = 0; i < what.Length && (staged || i < 2); i++)
            {
                (long result, int errno) = i < probe.Writes.Length ? probe.Writes[i] : (0, 0);
                report.Expect(i < probe.Writes.Length && result < 0 && errno == ForkedChild.EFAULT,
                    $"child write() from {what[i]}: EFAULT",
                    $"child write() from {what[i]}: " + (i >= probe.Writes.Length ? "no report" : result < 0 ? $"errno {errno}" : $"wrote {result} byte(s)"));
            }

            report.Expect(probe.End == new ChildEnd(0, 0, false) && probe.BytesRead.Length == 0,
                "child exited 0 and read nothing",
                $"child ended {probe.End} and read [{string.Join(" ", probe.BytesRead.Select(b => $"0x{b:x2}"))}]");

            foreach ((string label, nint address) in new[] { ("page 1", page1), ("page 0", page0) })
            {
                ChildEnd touched = ForkedChild.Touch(address);
                report.Expect(touched == new ChildEnd(0, ForkedChild.SIGSEGV, false),
                    $"child touching {label}: SIGSEGV", $"child touching {label}: {ForkedChild.DescribeTouch(touched)}");
            }

            byte[] again = new byte[pageSize];
            region.Read(0, page);
            region.Read(pageSize, again);
            report.Expect(Pattern.Check(page, Seed, 0, 0) is null && Pattern.Check(again, Seed, 0, 1) is null && region.Log.FillCalls is [1, 1],
                "parent after the forks: page 0 unchanged, page 1 filled by the provider now, once each",
                $"parent after the forks: page 0 {Pattern.Check(page, Seed, 0, 0) ?? "ok"}, page 1 {Pattern.Check(again, Seed, 0, 1) ?? "ok"}, " +
                $"provider calls [{string.Join(", ", region.Log.FillCalls)}]");
            if (staged)
            {
                report.Expect(region.Log.ProviderMismatches == 0, "the provider saw the staged content",
                    $"the provider found {region.Log.ProviderMismatches} pages unlike the staged content");
            }

            return report.Failures;
        }
    }

    private static unsafe nint AddressOf(Span<byte> span) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));
}
