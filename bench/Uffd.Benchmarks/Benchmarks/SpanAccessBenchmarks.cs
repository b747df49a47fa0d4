using System;
using BenchmarkDotNet.Attributes;
using Uffd.Benchmarks.Regions;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Benchmarks;

/// <summary>
/// The accessors a region offers for reading a page, one thread, default handlers (pinned per CPU), whole-page
/// provider: a span (<c>AsSpan</c> / <c>AsReadOnlySpan</c>, which make the page present from native code before
/// returning: a native read per page, or MADV_POPULATE_READ for a provider that may poison, "AsSpan (populate)")
/// against <c>Read</c> into a page-sized and into a 1-byte buffer (the fault taken inside a native copy), and the C
/// reference's plain load. <see cref="Handler"/> picks the accessor, <see cref="Pattern"/> the page order.
/// </summary>
public abstract class SpanAccessBase : ScenarioBenchmark
{
    public const string Random = "random";
    public const string Sequential = "sequential";

    public const string C = "C";
    public const string CPopulate = "C populate";
    public const string AsSpan = "UffdGen AsSpan";
    public const string AsSpanPopulate = "UffdGen AsSpan (populate)";
    public const string AsReadOnlySpan = "UffdGen AsReadOnlySpan";
    public const string ReadPage = "UffdGen Read (page)";
    public const string ReadByte = "UffdGen Read (1 byte)";

    public abstract string Handler { get; set; }

    public abstract string Pattern { get; set; }

    private protected static PageAccess AccessOf(string handler) => handler switch
    {
        AsSpan or AsSpanPopulate => PageAccess.AsSpan,
        AsReadOnlySpan => PageAccess.AsReadOnlySpan,
        ReadPage => PageAccess.ReadPage,
        ReadByte => PageAccess.ReadByte,
        _ => throw new ArgumentOutOfRangeException(nameof(handler), handler, null),
    };
}

/// <summary>
/// Fresh (missing) pages every run: each access to a page the handlers have not filled is a real fault round trip.
/// The C counterparts are its handlers pinned per CPU with the same order: <c>rt-pinned-percpu</c> (random),
/// <c>seq-readahead-0</c> and <c>seq-readahead-16</c> (sequential), run over the same number of pages; and the same
/// with each page first made present by <c>MADV_POPULATE_READ</c>, as a span accessor does (<c>rt-populate-percpu</c>,
/// <c>seq-populate-0</c>, <c>seq-populate-16</c>): what the kernel's populate path costs over a plain load.
/// </summary>
public class SpanAccess : SpanAccessBase
{
    public const string SequentialReadAhead16 = "sequential, read-ahead 16";

    [Params(C, CPopulate, AsSpan, AsSpanPopulate, AsReadOnlySpan, ReadPage, ReadByte)]
    public override string Handler { get; set; } = AsSpan;

    [Params(Random, Sequential, SequentialReadAhead16)]
    public override string Pattern { get; set; } = Random;

    public override long Pages => Sizes.RoundTripPages;

    internal override IFaultScenario CreateScenario()
    {
        if (Handler is C or CPopulate)
        {
            return new NativeScenario((Pattern, Handler == CPopulate) switch
            {
                (Random, false) => "rt-pinned-percpu",
                (Random, true) => "rt-populate-percpu",
                (Sequential, false) => "seq-readahead-0",
                (Sequential, true) => "seq-populate-0",
                (SequentialReadAhead16, false) => "seq-readahead-16",
                (SequentialReadAhead16, true) => "seq-populate-16",
                _ => throw new ArgumentOutOfRangeException(nameof(Pattern), Pattern, null),
            }, Pages);
        }

        Func<ISpanAccessRegion> create = (Pattern == SequentialReadAhead16, Handler == AsSpanPopulate) switch
        {
            (false, false) => () => new SpanAccessRegion(),
            (true, false) => () => new SpanAccessReadAhead16Region(),
            (false, true) => () => new SpanAccessPopulateRegion(),
            (true, true) => () => new SpanAccessPopulateReadAhead16Region(),
        };
        return new SpanAccessScenario($"{Handler}, {Pattern}, fresh pages", create, Pages, AccessOf(Handler), sequential: Pattern != Random, present: false);
    }
}

/// <summary>
/// Pages already present (faulted in by the untimed set-up), touched again <see cref="Sizes.PresentPasses"/> times:
/// the span accessors' fast path, which asks the engine's page table and makes no system call, against <c>Read</c>'s
/// native copy. The C counterpart (<c>touch-present</c>, <c>touch-present-seq</c>) is a plain load of each page.
/// <see cref="ScenarioBenchmark.Pages"/> counts touches.
/// </summary>
public class SpanAccessPresent : SpanAccessBase
{
    [Params(C, AsSpan, AsReadOnlySpan, ReadPage, ReadByte)]
    public override string Handler { get; set; } = AsSpan;

    [Params(Random, Sequential)]
    public override string Pattern { get; set; } = Random;

    public override long Pages => Sizes.RoundTripPages * Sizes.PresentPasses;

    internal override IFaultScenario CreateScenario() => Handler == C
        ? new NativeScenario(Pattern == Random ? "touch-present" : "touch-present-seq", Sizes.RoundTripPages, operations: Pages)
        : new SpanAccessScenario($"{Handler}, {Pattern}, present pages", () => new SpanAccessRegion(), Sizes.RoundTripPages, AccessOf(Handler),
            sequential: Pattern != Random, present: true);
}
