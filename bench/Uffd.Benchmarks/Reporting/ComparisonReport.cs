using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Uffd.Benchmarks.Benchmarks;
using Uffd.Benchmarks.Generator;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Reporting;

/// <summary>Everything one run measured, turned into the markdown tables of docs/performance.md and the targets.</summary>
internal sealed class ComparisonReport(
    IReadOnlyList<CaseResult> cases,
    IReadOnlyList<PairedResult> paired,
    IReadOnlyList<AllocationResult> allocations,
    IdleCpuResult? idle,
    GeneratorRerunReport? generator)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly List<Target> targets = new();

    public IReadOnlyList<CaseResult> Cases => cases;

    public IReadOnlyList<Target> Targets => targets;

    public IEnumerable<CaseResult> Failed => cases.Where(c => !c.Succeeded);

    public string ToMarkdown()
    {
        targets.Clear();
        var md = new StringBuilder();
        RoundTrips(md);
        SequentialScans(md);
        Threads(md);
        OtherRoundTrips(md);
        SpanAccessTables(md);
        WriteTrackingTable(md);
        Paired(md);
        AllocationsAndIdle(md);
        Generator(md);
        md.AppendLine("### Targets").AppendLine();
        md.AppendLine("| Target | Measured | Met |").AppendLine("|---|---|---|");
        foreach (Target t in targets)
        {
            md.AppendLine($"| {t.Goal} | {t.Measured} | {(t.Met ? "yes" : "**no**")} |");
        }

        return md.ToString();
    }

    private CaseResult? Find(string family, string handler, int readAhead = 0, int faulters = 1, int handlers = 0) =>
        cases.FirstOrDefault(c => c.Family == family && c.Handler == handler && c.ReadAhead == readAhead &&
                                  c.Faulters == faulters && c.Handlers == handlers && c.Succeeded);

    private CaseResult? FindVariant(string family, string variant, string handler) =>
        cases.FirstOrDefault(c => c.Family == family && c.Variant == variant && c.Handler == handler && c.Succeeded);

    private void RoundTrips(StringBuilder md)
    {
        string[] handlers = [RoundTrip.CBlocking, RoundTrip.COnePinned, RoundTrip.CPinnedPerCpu, RoundTrip.OneHandler, RoundTrip.Default];
        List<CaseResult> rows = handlers.Select(h => Find(nameof(RoundTrip), h)).OfType<CaseResult>().ToList();
        if (rows.Count == 0)
        {
            return;
        }

        CaseResult? bestC = rows.Where(r => r.IsC).MinBy(r => r.MicrosecondsPerPage);
        CaseResult? blocking = Find(nameof(RoundTrip), RoundTrip.CBlocking);
        md.AppendLine($"### Random MISSING round trip, one faulting thread ({rows[0].Pages} pages per run)").AppendLine();
        md.AppendLine("| Handler | µs per fault | vs best C | speed-up over C blocking |").AppendLine("|---|---:|---:|---:|");
        foreach (CaseResult r in rows)
        {
            md.AppendLine($"| {r.Handler} | {F(r.MicrosecondsPerPage)} | {Ratio(r, bestC)} | {Speedup(blocking, r)} |");
        }

        md.AppendLine();
    }

    private void SequentialScans(StringBuilder md)
    {
        int[] readAheads = [0, 16, 64, 256];
        CaseResult? anonC = Find(nameof(AnonymousWrite), AnonymousWrite.C);
        CaseResult? anonNet = Find(nameof(AnonymousWrite), AnonymousWrite.DotNet);
        if (!readAheads.Any(ra => Find(nameof(SequentialScan), SequentialScan.UffdGen, ra) is not null))
        {
            return;
        }

        long pages = PagesOf(nameof(SequentialScan));
        md.AppendLine($"### Sequential scan of {pages * Environment.SystemPageSize >> 20} MiB (µs per page)").AppendLine();
        md.AppendLine("UffdGen's provider writes whole pages and says so (`[PageProvider(WritesWholePage = true)]`), so its staging buffer is not zeroed, " +
                      "like the C handler's ready source; the last columns run the same scan with the default zeroed buffer.").AppendLine();
        md.AppendLine("| Read-ahead | C | UffdGen | UffdGen / C | UffdGen / anonymous write fault | UffdGen, zeroed staging | zeroed / C |")
          .AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int ra in readAheads)
        {
            CaseResult? c = Find(nameof(SequentialScan), SequentialScan.C, ra);
            CaseResult? g = Find(nameof(SequentialScan), SequentialScan.UffdGen, ra);
            CaseResult? z = Find(nameof(SequentialScan), SequentialScan.UffdGenZeroed, ra);
            md.AppendLine($"| {ra} | {F(c?.MicrosecondsPerPage)} | {F(g?.MicrosecondsPerPage)} | {Ratio(g, c)} | {Ratio(g, anonC)} | {F(z?.MicrosecondsPerPage)} | {Ratio(z, c)} |");
            if (ra >= 64 && anonC is not null)
            {
                foreach (CaseResult? variant in new[] { g, z })
                {
                    if (variant is null)
                    {
                        continue;
                    }

                    double ratio = variant.MicrosecondsPerPage / anonC.MicrosecondsPerPage;
                    targets.Add(new Target($"Scan with read-ahead {ra} ({variant.Handler}) ≤ a plain anonymous write fault per page",
                        $"{F(variant.MicrosecondsPerPage)} vs {F(anonC.MicrosecondsPerPage)} µs ({F(ratio)}×)", ratio <= 1.0));
                }
            }
        }

        md.AppendLine($"| no uffd: anonymous write fault | {F(anonC?.MicrosecondsPerPage)} | {F(anonNet?.MicrosecondsPerPage)} (.NET store) | | | | |");
        md.AppendLine();
    }

    private void Threads(StringBuilder md)
    {
        (int Faulters, int Handlers)[] configs = [(2, 1), (2, 2), (4, 1), (4, 2)];
        if (!configs.Any(k => Find(nameof(FaultingThreads), FaultingThreads.UffdGen, 0, k.Faulters, k.Handlers) is not null))
        {
            return;
        }

        md.AppendLine("### Faulting threads × handler threads (aggregate faults per second)").AppendLine();
        md.AppendLine("| Faulting × handlers | C | UffdGen | UffdGen / C |").AppendLine("|---|---:|---:|---:|");
        foreach ((int f, int h) in configs)
        {
            CaseResult? c = Find(nameof(FaultingThreads), FaultingThreads.C, 0, f, h);
            CaseResult? g = Find(nameof(FaultingThreads), FaultingThreads.UffdGen, 0, f, h);
            string cLabel = h == 1 ? "blocking" : "pinned";
            md.AppendLine($"| {f} × {h} (C {cLabel}, UffdGen pinned) | {K(c?.FaultsPerSecond)} | {K(g?.FaultsPerSecond)} | {Throughput(g, c)} |");
        }

        foreach (int f in new[] { 2, 4 })
        {
            CaseResult? bestC = cases.Where(r => r.Family == nameof(FaultingThreads) && r.IsC && r.Faulters == f && r.Succeeded).MaxBy(r => r.FaultsPerSecond);
            if (bestC is not null)
            {
                md.AppendLine().Append($"Best C configuration with {f} faulting threads in this run: {bestC.Handlers} handler{(bestC.Handlers > 1 ? "s" : "")} ({K(bestC.FaultsPerSecond)} faults/s).");
            }
        }

        md.AppendLine().AppendLine();
    }

    private void OtherRoundTrips(StringBuilder md)
    {
        (string Family, string Label)[] families = [(nameof(WriteProtectRoundTrip), "write-protect"), (nameof(MinorRoundTrip), "minor (memfd)")];
        if (!families.Any(f => Find(f.Family, FaultKindRoundTrip.Default) is not null))
        {
            return;
        }

        md.AppendLine("### Write-protect and minor round trips (µs per fault)").AppendLine();
        md.AppendLine("| Fault | C blocking | C pinned per CPU | UffdGen default | UffdGen / C pinned | speed-up over C blocking |").AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach ((string family, string label) in families)
        {
            CaseResult? blocking = Find(family, FaultKindRoundTrip.CBlocking);
            CaseResult? pinned = Find(family, FaultKindRoundTrip.CPinnedPerCpu);
            CaseResult? g = Find(family, FaultKindRoundTrip.Default);
            md.AppendLine($"| {label} | {F(blocking?.MicrosecondsPerPage)} | {F(pinned?.MicrosecondsPerPage)} | {F(g?.MicrosecondsPerPage)} | {Ratio(g, pinned)} | {Speedup(blocking, g)} |");
        }

        md.AppendLine();
    }

    private void SpanAccessTables(StringBuilder md)
    {
        string[] accessors = [SpanAccessBase.AsSpan, SpanAccessBase.AsReadOnlySpan, SpanAccessBase.ReadPage, SpanAccessBase.ReadByte];
        foreach ((string family, string[] patterns, bool populate, string title, string note) in new[]
                 {
                     (nameof(SpanAccess), new[] { SpanAccess.Random, SpanAccess.Sequential, SpanAccess.SequentialReadAhead16 }, true,
                      "Span access against Read, fresh pages (per page)",
                      "Every page is missing when the run starts, so each access to a page the handlers have not filled is a fault round trip: the span " +
                      "accessors' native one-byte read (AsSpan (populate): `MADV_POPULATE_READ`, what a region whose provider returns `PageFill` uses), " +
                      "`Read`'s fault inside its native copy, C's plain load. Default handlers (pinned per CPU), whole-page provider; " +
                      "C is its handler pinned per CPU (`rt-pinned-percpu`, `seq-readahead-0`, `seq-readahead-16`); C populate the same with a " +
                      "`MADV_POPULATE_READ` of each page before its load (it has no page table to skip the call for pages already present)."),
                     (nameof(SpanAccessPresent), new[] { SpanAccessBase.Random, SpanAccessBase.Sequential }, false,
                      $"Span access against Read, pages already present (per access, {Sizes.PresentPasses} passes over the pages)",
                      "The set-up made every page present; the span accessors find that in the engine's page table and make no system call, `Read` still " +
                      "makes its native copy. C (`touch-present`) is a plain load of each page."),
                 })
        {
            if (!patterns.Any(p => FindVariant(family, p, SpanAccessBase.AsSpan) is not null))
            {
                continue;
            }

            md.AppendLine($"### {title}").AppendLine();
            md.AppendLine(note).AppendLine();
            md.AppendLine($"| Order | C |{(populate ? " C populate |" : "")} AsSpan |{(populate ? " AsSpan (populate) |" : "")} AsReadOnlySpan | Read (page) | Read (1 byte) | AsSpan / Read (1 byte) | AsSpan / Read (page) | AsSpan / C |" +
                          (populate ? " AsSpan (populate) / Read (1 byte) | AsSpan (populate) / C populate | C populate / C |" : ""))
              .AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", populate ? 13 : 8)));
            foreach (string pattern in patterns)
            {
                CaseResult? c = FindVariant(family, pattern, SpanAccessBase.C);
                CaseResult? cPopulate = FindVariant(family, pattern, SpanAccessBase.CPopulate);
                CaseResult? spanPopulate = FindVariant(family, pattern, SpanAccessBase.AsSpanPopulate);
                CaseResult?[] own = accessors.Select(h => FindVariant(family, pattern, h)).ToArray();
                CaseResult? span = own[0], readPage = own[2], readByte = own[3];
                var row = new StringBuilder($"| {pattern} | {Time(c?.MicrosecondsPerPage)} |");
                if (populate)
                {
                    row.Append($" {Time(cPopulate?.MicrosecondsPerPage)} |");
                }

                row.Append($" {Time(span?.MicrosecondsPerPage)} |");
                if (populate)
                {
                    row.Append($" {Time(spanPopulate?.MicrosecondsPerPage)} |");
                }

                row.Append($" {string.Join(" | ", own.Skip(1).Select(r => Time(r?.MicrosecondsPerPage)))} | {Ratio(span, readByte)} | {Ratio(span, readPage)} | {Ratio(span, c)} |");
                if (populate)
                {
                    row.Append($" {Ratio(spanPopulate, readByte)} | {Ratio(spanPopulate, cPopulate)} | {Ratio(cPopulate, c)} |");
                }

                md.AppendLine(row.ToString());
            }

            md.AppendLine();
        }
    }

    private void WriteTrackingTable(StringBuilder md)
    {
        string family = nameof(WriteTrackingCost);
        CaseResult? Side(string tracking, string handler) => FindVariant(family, tracking, handler);
        if (Side(WriteTrackingCost.Asynchronous, WriteTrackingCost.UffdGen) is null)
        {
            return;
        }

        long pages = Sizes.RoundTripPages;
        CaseResult? syncFault = Side(WriteTrackingCost.SynchronousFault, WriteTrackingCost.UffdGen);
        md.AppendLine($"### Write tracking ({pages} protected pages, one byte written to each in random order)").AppendLine();
        md.AppendLine("Per page written. Synchronous: each write to a protected page faults and waits for a handler thread, which calls the " +
                      "`[WriteHandler]` and unprotects (`Write`; C `wp-rt-percpu`), or the writer unprotects first (`LeaseSpan` calls the write handler " +
                      "and unprotects on the caller; C `UFFDIO_WRITEPROTECT`, then a store). Asynchronous (`WriteTracking.Asynchronous`, " +
                      "`UFFD_FEATURE_WP_ASYNC`): the kernel unprotects a written page itself, so the writes are plain stores through `AsSpan`, and one " +
                      "`CollectWrittenPages` (C: one `PAGEMAP_SCAN`) reports the written pages and protects them again; the row times both.").AppendLine();
        md.AppendLine("| Tracking | C | UffdGen | UffdGen / C | UffdGen vs synchronous `Write` |").AppendLine("|---|---:|---:|---:|---:|");
        foreach ((string tracking, string label) in new[]
                 {
                     (WriteTrackingCost.SynchronousFault, "synchronous: write fault, handler thread unprotects (`Write`)"),
                     (WriteTrackingCost.SynchronousLease, "synchronous: writer unprotects first (`LeaseSpan`)"),
                     (WriteTrackingCost.Asynchronous, "asynchronous: stores through `AsSpan`, then one collect"),
                 })
        {
            CaseResult? c = Side(tracking, WriteTrackingCost.C), g = Side(tracking, WriteTrackingCost.UffdGen);
            md.AppendLine($"| {label} | {Time(c?.MicrosecondsPerPage)} | {Time(g?.MicrosecondsPerPage)} | {Ratio(g, c)} | {Ratio(g, syncFault)} |");
        }

        md.AppendLine();
        md.AppendLine($"The collect alone (`CollectWrittenPages` over the {pages}-page region; C `PAGEMAP_SCAN` with `PM_SCAN_WP_MATCHING`): one call per run " +
                      $"after every page was written, {Sizes.CleanCollectCalls} calls per run when none was:").AppendLine();
        md.AppendLine("| Collect and re-protect | C per call | UffdGen per call | UffdGen / C | C per page written | UffdGen per page written |")
          .AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach ((string tracking, string label, bool written) in new[]
                 {
                     (WriteTrackingCost.Collect, $"every page written ({pages} pages, one run)", true),
                     (WriteTrackingCost.CollectClean, "nothing written", false),
                 })
        {
            CaseResult? c = Side(tracking, WriteTrackingCost.C), g = Side(tracking, WriteTrackingCost.UffdGen);
            string cPerPage = written ? Time(c?.MicrosecondsPerPage) : "no page written";
            string gPerPage = written ? Time(g?.MicrosecondsPerPage) : "no page written";
            int calls = WriteTrackingCost.CallsFor(tracking);
            md.AppendLine($"| {label} | {Time(c?.MicrosecondsPerRun / calls)} | {Time(g?.MicrosecondsPerRun / calls)} | {Ratio(g, c)} | {cPerPage} | {gPerPage} |");
        }

        md.AppendLine();
    }

    private void AllocationsAndIdle(StringBuilder md)
    {
        if (allocations.Count > 0)
        {
            md.AppendLine("### Allocations per fault (whole process, steady state)").AppendLine();
            md.AppendLine("| Scenario | Pages | Bytes allocated | Bytes per page |").AppendLine("|---|---:|---:|---:|");
            foreach (AllocationResult a in allocations)
            {
                md.AppendLine($"| {a.Scenario} | {a.Faults} | {a.Bytes} | {F(a.BytesPerFault)} |");
            }

            md.AppendLine();
            // The yielding providers' rows count what the provider's own async method and the thread pool allocate.
            List<AllocationResult> engine = allocations.Where(a => a.Engine).ToList();
            long total = engine.Sum(a => a.Bytes);
            targets.Add(new Target("0 bytes allocated per fault or page access", $"{total} bytes over {engine.Sum(a => a.Faults)} pages", total == 0));
        }

        if (idle is not null)
        {
            md.AppendLine($"### Idle region ({idle.HandlerThreads} handler threads, {idle.Window.TotalSeconds:0} s with no faults)").AppendLine();
            md.AppendLine($"- handler threads' CPU time: {F(idle.CpuMilliseconds)} ms (clock-tick resolution: 10 ms); wake-ups (context switches): {idle.ContextSwitches}");
            md.AppendLine($"- whole process CPU time in the same window (runtime threads included): {F(idle.ProcessCpuMilliseconds)} ms");
            md.AppendLine();
            targets.Add(new Target("An idle region burns no measurable CPU",
                $"{F(idle.CpuMilliseconds)} ms CPU, {idle.ContextSwitches} wake-ups in {idle.Window.TotalSeconds:0} s",
                idle.CpuMilliseconds < 10 && idle.ContextSwitches == 0));
        }
    }

    private void Generator(StringBuilder md)
    {
        if (generator is null)
        {
            return;
        }

        md.AppendLine($"### Generator on {generator.Regions} region classes").AppendLine();
        md.AppendLine($"- first run: {F(generator.FirstRunMs)} ms for {generator.GeneratedFiles} generated files (median of 5 after warm-up, Stopwatch)");
        md.AppendLine($"- rerun after an unrelated edit: {F(generator.RerunMs)} ms; {generator.RerunModifiedOrNew} of {generator.RerunOutputs} step outputs " +
                      $"recomputed, {generator.RerunCachedOrUnchanged} reused. The parser step re-runs on every compilation change " +
                      "(Roslyn re-evaluates attribute transforms) and returns equal models, so nothing after it runs: the rerun's time is Roslyn binding 500 declarations, not generation.");
        foreach (CaseResult c in cases.Where(c => c.Family == "GeneratorBenchmarks" && c.Succeeded))
        {
            md.AppendLine($"- BenchmarkDotNet `{c.Method}`: median {F(c.MedianNanoseconds!.Value / 1e6)} ms, {(c.AllocatedBytesPerRun is long b ? $"{b / 1024.0 / 1024.0:0.0} MiB allocated" : "allocations not measured")}");
        }

        md.AppendLine();
        targets.Add(new Target($"Generator: a rerun after an unrelated edit does no work ({generator.Regions} regions)",
            $"{generator.RerunModifiedOrNew} of {generator.RerunOutputs} step outputs recomputed", generator.RerunModifiedOrNew == 0 && generator.RerunCachedOrUnchanged == generator.RerunOutputs));
    }

    private void Paired(StringBuilder md)
    {
        if (paired.Count == 0)
        {
            return;
        }

        List<PairedResult> againstRead = paired.Where(p => p.Baseline == PairedBaseline.Read).ToList();
        md.AppendLine($"### Paired runs: each generated run back to back with its C counterpart ({paired[0].Rounds} rounds)").AppendLine();
        md.AppendLine("The targets' ratios: the median of per-round ratios, so the machine's drift between the blocks above cancels out.").AppendLine();
        md.AppendLine("| Pair | UffdGen per page | C per page | median ratio | target |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (PairedResult p in paired.Where(p => p.Baseline == PairedBaseline.C))
        {
            md.AppendLine($"| {p.Name} | {Time(p.GeneratedMicroseconds)} | {Time(p.ReferenceMicroseconds)} | {F(p.MedianRatio)}× | ≤ {F(p.Limit)}× |");
            string measured = $"{F(p.MedianRatio)}× ({Time(p.GeneratedMicroseconds)} vs {Time(p.ReferenceMicroseconds)})";
            if (p.Limit < 1)
            {
                targets.Add(new Target("Default round trip ≥ 3× faster than the plain blocking C handler",
                    $"{F(1 / p.MedianRatio)}× faster ({F(p.GeneratedMicroseconds)} vs {F(p.ReferenceMicroseconds)} µs)", p.Met));
                continue;
            }

            if (p.Name.EndsWith("(same strategy)", StringComparison.Ordinal))
            {
                targets.Add(new Target($"≤ {F(p.Limit)}× the C handler with the same strategy: {p.Name.Replace(" (same strategy)", "", StringComparison.Ordinal)}", measured, p.Met));
            }

            if (p.Name.StartsWith("Round trip, default vs C pinned per CPU", StringComparison.Ordinal))
            {
                // The best C strategy measured here is the pinned-per-CPU handler (the tables above show it).
                targets.Add(new Target("Default round trip ≤ 1.1× the best C strategy (pinned per CPU)", measured, p.MedianRatio <= 1.1));
            }

        }

        md.AppendLine();
        if (againstRead.Count > 0)
        {
            md.AppendLine($"### Paired runs: span access back to back with `Read` of the same pages ({againstRead[0].Rounds} rounds)").AppendLine();
            md.AppendLine("Both sides are the generated region; each round runs both once, alternating which goes first, and the ratio is the median of the " +
                          "per-round ratios.").AppendLine();
            md.AppendLine("The C pairs without a target measure the same comparison in C: how much the kernel's populate path costs over a fault " +
                          "in a plain load, with the same handlers.").AppendLine();
            md.AppendLine("| Pair (first vs second) | first, per page | second, per page | median ratio | target |").AppendLine("|---|---:|---:|---:|---:|");
            foreach (PairedResult p in againstRead)
            {
                bool hasTarget = !double.IsPositiveInfinity(p.Limit);
                md.AppendLine($"| {p.Name} | {Time(p.GeneratedMicroseconds)} | {Time(p.ReferenceMicroseconds)} | {F(p.MedianRatio)}× | {(hasTarget ? $"≤ {F(p.Limit)}×" : "none")} |");
                if (!hasTarget)
                {
                    continue;
                }

                targets.Add(new Target($"Span access ≤ {F(p.Limit)}× `Read`: {p.Name}",
                    $"{F(p.MedianRatio)}× ({Time(p.GeneratedMicroseconds)} vs {Time(p.ReferenceMicroseconds)})", p.Met));
            }

            md.AppendLine();
        }

        List<PairedResult> againstSynchronous = paired.Where(p => p.Baseline == PairedBaseline.Synchronous).ToList();
        if (againstSynchronous.Count > 0)
        {
            md.AppendLine($"### Paired runs: an asynchronous provider back to back with the synchronous one ({againstSynchronous[0].Rounds} rounds)").AppendLine();
            md.AppendLine("Both sides are generated regions with the default strategy, read in the random order of the round trip; the providers " +
                          "fill the page at once (no I/O), so the ratio is what the engine's asynchronous path costs. \"After a yield\" awaits " +
                          "`Task.Yield()` first (a pooled state machine), so each fault is installed by a thread-pool thread, as after real I/O.").AppendLine();
            md.AppendLine("| Pair (first vs second) | first, per page | second, per page | median ratio | target |").AppendLine("|---|---:|---:|---:|---:|");
            foreach (PairedResult p in againstSynchronous)
            {
                bool hasTarget = !double.IsPositiveInfinity(p.Limit);
                md.AppendLine($"| {p.Name} | {Time(p.GeneratedMicroseconds)} | {Time(p.ReferenceMicroseconds)} | {F(p.MedianRatio)}× | {(hasTarget ? $"≤ {F(p.Limit)}×" : "none")} |");
                if (hasTarget)
                {
                    targets.Add(new Target($"≤ {F(p.Limit)}× the synchronous provider: {p.Name}",
                        $"{F(p.MedianRatio)}× ({Time(p.GeneratedMicroseconds)} vs {Time(p.ReferenceMicroseconds)})", p.Met));
                }
            }

            md.AppendLine();
        }

        foreach (int f in new[] { 2, 4 })
        {
            // UffdGen with 2 handlers against every C configuration: "at least the best" means at least each of them.
            List<PairedResult> against = paired.Where(p => p.Generated == $"{FaultingThreads.UffdGen} {f}×2" && p.Reference.StartsWith(FaultingThreads.C, StringComparison.Ordinal)).ToList();
            if (against.Count > 0)
            {
                targets.Add(new Target($"{f} faulting threads: faults/s ≥ the best C configuration",
                    string.Join(", ", against.Select(p => $"{F(1 / p.MedianRatio)}× the faults/s of {p.Reference}")),
                    against.All(p => p.MedianRatio <= 1.0)));
            }
        }
    }

    private long PagesOf(string family) => cases.First(c => c.Family == family).Pages;

    private static string Ratio(CaseResult? x, CaseResult? baseline) =>
        x is null || baseline is null ? "–" : $"{F(x.MicrosecondsPerPage / baseline.MicrosecondsPerPage)}×";

    private static string Speedup(CaseResult? slow, CaseResult? fast) =>
        slow is null || fast is null ? "–" : $"{F(slow.MicrosecondsPerPage / fast.MicrosecondsPerPage)}×";

    private static string Throughput(CaseResult? x, CaseResult? baseline) =>
        x is null || baseline is null ? "–" : $"{F(x.FaultsPerSecond / baseline.FaultsPerSecond)}×";

    /// <summary>A time given in microseconds, in µs, or in ns below 1 µs (present-page accesses take nanoseconds).</summary>
    private static string Time(double? microseconds) => microseconds switch
    {
        null => "–",
        < 1 => $"{F(microseconds * 1000)} ns",
        _ => $"{F(microseconds)} µs",
    };

    private static string F(double? value) => value is double v ? v.ToString(v >= 100 ? "0" : v >= 10 ? "0.0" : "0.00", Invariant) : "–";

    private static string K(double? value) => value is double v ? (v / 1000).ToString("0.0", Invariant) + "k" : "–";
}

