using System.Linq;
using Microsoft.CodeAnalysis;
using Uffd.Generators.Tests.Infrastructure;

namespace Uffd.Generators.Tests.Robustness;

/// <summary>
/// What the user may legally write in their half never shows up as a warning inside the generated half, where they
/// cannot fix it (and where TreatWarningsAsErrors turns it into a broken build).
/// </summary>
public sealed class UserDeclarationTests
{
    [Theory]
    [InlineData("an obsolete provider", """
        [Uffd.FaultRegion(Pages = 4)]
        public partial class Letters
        {
            [System.Obsolete("kept for old files")]
            [Uffd.PageProvider]
            private void Fill(long pageIndex, System.Span<byte> page) => page.Fill(1);
        }
        """)]
    [InlineData("an obsolete write handler", """
        [Uffd.FaultRegion(Pages = 4, Mode = Uffd.FaultMode.Missing | Uffd.FaultMode.WriteProtect)]
        public partial class Letters
        {
            [Uffd.PageProvider]
            private void Fill(long pageIndex, System.Span<byte> page) => page.Fill(1);

            [System.Obsolete]
            [Uffd.WriteHandler]
            private void OnWrite(long pageIndex) { }
        }
        """)]
    [InlineData("a lower-case class name", """
        [Uffd.FaultRegion(Pages = 4)]
        public partial class letters
        {
            [Uffd.PageProvider]
            private void Fill(long pageIndex, System.Span<byte> page) => page.Fill(1);
        }
        """)]
    [InlineData("lower-case names with digits and underscores", """
        public static partial class cache_v2
        {
            [Uffd.FaultRegion(Pages = 4)]
            public partial class pages2
            {
                [Uffd.PageProvider]
                private void fill_page(long pageIndex, System.Span<byte> page) => page.Fill(1);
            }
        }
        """)]
    [InlineData("an obsolete region class", """
        [System.Obsolete("use the new cache")]
        [Uffd.FaultRegion(Pages = 4)]
        public partial class Letters
        {
            [Uffd.PageProvider]
            private void Fill(long pageIndex, System.Span<byte> page) => page.Fill(1);
        }
        """)]
    [InlineData("an obsolete containing class", """
        [System.Obsolete]
        public static partial class Outer
        {
            [Uffd.FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [Uffd.PageProvider]
                private void Fill(long pageIndex, System.Span<byte> page) => page.Fill(1);
            }
        }
        """)]
    [InlineData("an obsolete-as-error provider in an obsolete region, where the compiler reports no obsolete call", """
        [System.Obsolete("the old cache")]
        [Uffd.FaultRegion(Pages = 4)]
        public partial class Letters
        {
            [System.Obsolete("only the region calls it", error: true)]
            [Uffd.PageProvider]
            private void Fill(long pageIndex, System.Span<byte> page) => page.Fill(1);
        }
        """)]
    [InlineData("an experimental region class", """
        [System.Diagnostics.CodeAnalysis.Experimental("LETTERS002")]
        [Uffd.FaultRegion(Pages = 4)]
        public partial class Letters
        {
            [Uffd.PageProvider]
            private void Fill(long pageIndex, System.Span<byte> page) => page.Fill(1);
        }
        """)]
    [InlineData("an experimental write handler", """
        [Uffd.FaultRegion(Pages = 4, Mode = Uffd.FaultMode.WriteProtect)]
        public partial class Letters
        {
            [System.Diagnostics.CodeAnalysis.Experimental("LETTERS003")]
            [Uffd.WriteHandler]
            private static void OnWrite(Uffd.PageFaultContext context) { }
        }
        """)]
    [InlineData("an experimental provider", """
        [Uffd.FaultRegion(Pages = 4)]
        public partial class Letters
        {
            [System.Diagnostics.CodeAnalysis.Experimental("LETTERS001")]
            [Uffd.PageProvider]
            private void Fill(long pageIndex, System.Span<byte> page) => page.Fill(1);
        }
        """)]
    public void Legal_user_code_draws_no_warning_inside_the_generated_file(string what, string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);

        Assert.Single(run.Sources);
        // Every warning wave on (CS8981, lower-case type names, is wave 5), as with AnalysisLevel=latest.
        Compilation all = run.Output.WithOptions(((Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions)run.Output.Options).WithWarningLevel(9999));
        Diagnostic[] inGenerated = all.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && GeneratorHarness.IsGenerated(d.Location.SourceTree))
            .ToArray();
        Assert.True(inGenerated.Length == 0, $"{what}: " + string.Join("\n", inGenerated.Select(d => d.ToString())));
    }
}
