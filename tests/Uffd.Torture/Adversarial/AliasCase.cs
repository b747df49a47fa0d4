using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Uffd.Torture.Adversarial;

/// <summary>
/// <c>case alias</c>: an alias view must never bypass the provider. In a Minor region content is staged through
/// <c>AliasSpan</c> and the provider runs on the minor fault of every page, seeing the staged content. A Missing
/// region on shared memory has no alias at all: no <c>AliasSpan</c> is generated, its engine's alias members throw,
/// its memfd is mapped once, and every page read through the region comes from the provider.
/// </summary>
internal static class AliasCase
{
    private const int Pages = 8;
    private const ulong Seed = 0xa11a5;

    private delegate Span<byte> AliasSpanCall(long offset, int length);

    public static int Run(string[] args)
    {
        int failures = Minor() + SharedMissing();
        Output.Line(failures == 0 ? "ok alias: the provider ran for every page" : $"fail alias: {failures} checks failed");
        return failures == 0 ? 0 : Program.Failed;
    }

    private static int Minor()
    {
        using var region = new MinorRegion();
        region.Start(new RegionLog(Pages, Seed), Pages);
        var report = new Report("alias region=minor");
        var k = new RoundInfo(Round: 1, Seed, StampSeed: 0, region.PageSize, Pages, Workers: 1);
        report.Expect(MemfdMappings(region.BaseAddress) == 2, "maps its memfd twice (the region and its alias)",
            $"maps its memfd {MemfdMappings(region.BaseAddress)} times, expected 2");

        for (long p = 0; p < Pages; p++)
        {
            Access.FillThroughAlias(region, k, p, leaveProviderWord: true);
        }

        report.Expect(region.Log.FillCalls.All(c => c == 0), $"staged {Pages} pages through AliasSpan without running the provider",
            $"staging through the alias ran the provider: [{string.Join(", ", region.Log.FillCalls)}]");

        string? wrong = ReadEvery(region, k);
        report.Expect(wrong is null && region.Log.FillCalls.All(c => c == 1) && region.Log.ProviderMismatches == 0,
            "the provider ran once for every page, on the staged content, and the region reads it completed",
            $"{wrong ?? "content ok"}; provider calls [{string.Join(", ", region.Log.FillCalls)}], {region.Log.ProviderMismatches} pages unlike the staged content");
        report.Expect(region.Statistics.MinorFaults == Pages, $"{Pages} minor faults", $"{region.Statistics.MinorFaults} minor faults, expected {Pages}");
        return report.Failures;
    }

    private static int SharedMissing()
    {
        using var region = new SharedMissingRegion();
        region.Start(new RegionLog(Pages, Seed), Pages);
        var report = new Report("alias region=missing-shared");
        var k = new RoundInfo(Round: 1, Seed, StampSeed: 0, region.PageSize, Pages, Workers: 1);

        report.Expect(typeof(SharedMissingRegion).GetMethod("AliasSpan") is null, "has no AliasSpan (the generator emits it for Minor only)",
            "has an AliasSpan member");
        report.Expect(MemfdMappings(region.BaseAddress) == 1, "maps its memfd once (no alias view)",
            $"maps its memfd {MemfdMappings(region.BaseAddress)} times, expected 1");

        // The generated class keeps its lifetime (and through it the engine) in a field the generator reserves; the engine's alias members must refuse.
        object engine = typeof(SharedMissingRegion).GetField("_uffdRegion", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(region)!;
        engine = engine.GetType().GetProperty("Engine")!.GetValue(engine)!;
        Func<nint> aliasAddress = engine.GetType().GetProperty("AliasAddress")!.GetMethod!.CreateDelegate<Func<nint>>(engine);
        AliasSpanCall aliasSpan = engine.GetType().GetMethod("AliasSpan")!.CreateDelegate<AliasSpanCall>(engine);
        const string Expected = "Region 'SharedMissingRegion' (Missing) has no alias view: the alias exists only for Minor regions";
        foreach ((string member, Action call) in new (string, Action)[]
        {
            ("AliasAddress", () => aliasAddress()),
            ("AliasSpan", () => aliasSpan(0, region.PageSize)),
        })
        {
            string outcome = Outcome(call);
            report.Expect(outcome.StartsWith($"InvalidOperationException: {Expected}", StringComparison.Ordinal) &&
                          outcome.Contains("Use AsSpan, AsReadOnlySpan, Read or Write, which fill pages through the provider.", StringComparison.Ordinal),
                $"{member} throws {outcome}", $"{member}: {outcome}");
        }

        string? wrong = ReadEvery(region, k);
        report.Expect(wrong is null && region.Log.FillCalls.All(c => c == 1) && region.Statistics.PagesFilled == Pages,
            $"the provider ran once for each of {Pages} pages read through AsReadOnlySpan and Read, and the region holds its bytes exactly",
            $"{wrong ?? "content ok"}; provider calls [{string.Join(", ", region.Log.FillCalls)}], {region.Statistics.PagesFilled} pages filled");
        return report.Failures;
    }

    /// <summary>Reads even pages through AsReadOnlySpan and odd ones through Read; null, or the first wrong page.</summary>
    private static string? ReadEvery(ITortureRegion region, RoundInfo k)
    {
        byte[] buffer = new byte[k.PageSize];
        for (long p = 0; p < k.Pages; p++)
        {
            string? error = p % 2 == 0
                ? Access.AsReadOnlySpanRange(region, k, p, worker: 0)
                : Access.Read(region, k, p, buffer);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static string Outcome(Action call)
    {
        try
        {
            call();
            return "nothing (no exception)";
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>How many mappings of this process map the file (the memfd) mapped at <paramref name="address"/>.</summary>
    private static int MemfdMappings(nint address)
    {
        string[][] maps = File.ReadAllLines("/proc/self/maps").Select(l => l.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries)).ToArray();
        string[]? mine = maps.FirstOrDefault(f =>
        {
            string[] range = f[0].Split('-');
            long start = long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            long end = long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return start <= address && address < end;
        });
        return mine is null ? 0 : maps.Count(f => f.Length == 6 && f[3] == mine[3] && f[4] == mine[4]);
    }
}
