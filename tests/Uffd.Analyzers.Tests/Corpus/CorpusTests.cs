using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Uffd.Analyzers.Tests.Corpus;

/// <summary>
/// The corpus: realistic correct programs must build with no UFFD diagnostic (precision), and plausible variants of each
/// rule's bad case must each draw their rule (recall). The summary test prints both figures per rule; run it with
/// <c>--logger "console;verbosity=detailed"</c> to see them.
/// </summary>
public sealed class CorpusTests(ITestOutputHelper output)
{
    private const int MinimumCorrectPrograms = 40;
    private const int MinimumBadVariants = 80;
    private const double MinimumRecall = 0.90;

    private static readonly ConcurrentDictionary<string, Lazy<Task<CorpusAnalysis>>> Analyses = new(StringComparer.Ordinal);

    public static TheoryData<string> CorrectNames() => Names(CorpusProgram.Correct);

    public static TheoryData<string> BadNames() => Names(CorpusProgram.Bad);

    [Theory]
    [MemberData(nameof(CorrectNames))]
    public async Task Correct_program_builds_without_uffd_diagnostics(string name)
    {
        CorpusAnalysis analysis = await AnalyzeAsync(name);
        Assert.True(analysis.CompilerErrors.Count == 0, "a correct program must compile:\n" + analysis.Describe());
        Assert.True(analysis.UffdDiagnostics.Count == 0, "false positive:\n" + analysis.Describe());
    }

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task Bad_variant_draws_exactly_its_rules(string name)
    {
        CorpusAnalysis analysis = await AnalyzeAsync(name);
        CorpusProgram program = analysis.Program;
        Assert.True(program.AllowsCompilerErrors || analysis.CompilerErrors.Count == 0,
            "a bad variant must compile unless its header says 'compiler-errors':\n" + analysis.Describe());
        Assert.True(!analysis.UnexpectedIds.Any(), "rules reported that the variant does not expect:\n" + analysis.Describe());
        if (program.KnownMiss is null)
        {
            Assert.True(analysis.IsCaught, "missed:\n" + analysis.Describe());
        }
        else
        {
            Assert.False(analysis.IsCaught, $"caught now: remove its 'known-miss' header ({program.KnownMiss}).\n" + analysis.Describe());
        }
    }

    [Fact]
    public async Task Corpus_precision_and_recall()
    {
        CorpusAnalysis[] analyses = await Task.WhenAll(CorpusProgram.All.Select(program => AnalyzeAsync(program.Name)));
        CorpusAnalysis[] correct = analyses.Where(a => a.Program.IsCorrect).ToArray();
        CorpusAnalysis[] bad = analyses.Where(a => !a.Program.IsCorrect).ToArray();

        // Per (program, rule): a true positive is an expected rule reported, a false positive a rule reported where it is not expected.
        int truePositives = bad.Sum(a => a.Program.ExpectedIds.Count(id => a.ReportedIds.Contains(id)));
        int falsePositives = analyses.Sum(a => a.UnexpectedIds.Count());
        int caught = bad.Count(a => a.IsCaught);
        double precision = truePositives + falsePositives == 0 ? 1 : (double)truePositives / (truePositives + falsePositives);
        double recall = bad.Length == 0 ? 0 : (double)caught / bad.Length;

        string report = Report(correct, bad, truePositives, falsePositives, caught, precision, recall);
        output.WriteLine(report);

        Assert.True(correct.Length >= MinimumCorrectPrograms, $"{correct.Length} correct programs, at least {MinimumCorrectPrograms} expected.");
        Assert.True(bad.Length >= MinimumBadVariants, $"{bad.Length} bad variants, at least {MinimumBadVariants} expected.");
        Assert.True(falsePositives == 0, report);
        Assert.True(recall >= MinimumRecall, report);
    }

    private static string Report(
        CorpusAnalysis[] correct, CorpusAnalysis[] bad, int truePositives, int falsePositives, int caught, double precision, double recall)
    {
        var text = new StringBuilder();
        CultureInfo invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"Corpus: {correct.Length} correct programs, {bad.Length} bad variants.");
        text.AppendLine(invariant, $"Precision {precision:P1} ({truePositives} true positives, {falsePositives} false positives); recall {recall:P1} ({caught} of {bad.Length} variants caught).");
        text.AppendLine("Rule       variants  caught");
        foreach (IGrouping<string, CorpusAnalysis> rule in bad
            .SelectMany(a => a.Program.ExpectedIds.Select(id => (Id: id, Analysis: a)))
            .GroupBy(pair => pair.Id, pair => pair.Analysis)
            .OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            text.AppendLine(invariant, $"{rule.Key}   {rule.Count(),8}  {rule.Count(a => a.ReportedIds.Contains(rule.Key)),6}");
        }

        foreach (CorpusAnalysis analysis in correct.Concat(bad).Where(a => a.UnexpectedIds.Any()))
        {
            text.AppendLine(invariant, $"False positive {string.Join(", ", analysis.UnexpectedIds)} in {analysis.Program.Name}");
        }

        foreach (CorpusAnalysis analysis in bad.Where(a => !a.IsCaught))
        {
            text.AppendLine(invariant, $"Missed {analysis.Program.Name}: {analysis.Program.KnownMiss ?? "not marked as a known miss"}");
        }

        return text.ToString();
    }

    private static Task<CorpusAnalysis> AnalyzeAsync(string name) =>
        Analyses.GetOrAdd(name, key => new Lazy<Task<CorpusAnalysis>>(
            () => CorpusAnalysis.RunAsync(CorpusProgram.All.Single(program => program.Name == key)))).Value;

    private static TheoryData<string> Names(IEnumerable<CorpusProgram> programs)
    {
        var names = new TheoryData<string>();
        foreach (CorpusProgram program in programs)
        {
            names.Add(program.Name);
        }

        return names;
    }
}
