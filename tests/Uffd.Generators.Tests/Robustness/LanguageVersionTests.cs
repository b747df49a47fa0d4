using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Uffd.Generators.Tests.Infrastructure;

namespace Uffd.Generators.Tests.Robustness;

/// <summary>
/// A project at any <c>LangVersion</c> from 7.2 up gets generated code its compiler accepts: the generator writes only
/// what the project's version allows (no <c>nint</c> or <c>not</c> patterns below C# 9, no nullable annotations below
/// 8), so no error or warning ever appears inside a <c>.g.cs</c>. Every branch of the emitter is covered by one of the
/// regions below, in the C# 7.2 the oldest project can write.
/// </summary>
public sealed class LanguageVersionTests
{
    private const string Regions = """
        using System;
        using Uffd;

        namespace Demo.Versions
        {
            [FaultRegion(Mode = FaultMode.Missing, Pages = 64)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)('a' + pageIndex % 26));
            }

            [FaultRegion]
            internal sealed partial class Sized
            {
                [PageProvider]
                public static PageFill Fill(in PageFaultContext context, Span<byte> page) => PageFill.Zero;
            }

            [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 16, ProtectOnFill = true,
                         OnProviderError = ProviderErrorPolicy.Poison, UserModeOnly = UserModeOnlyPolicy.Allow)]
            public partial class Tracked
            {
                public int Writes;

                [PageProvider(WritesWholePage = true)]
                private PageFill Fill(PageFaultContext context, Span<byte> page) { page.Clear(); return PageFill.Filled; }

                [WriteHandler]
                private void OnWrite(long pageIndex) => Writes++;
            }

            [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, Pages = 8)]
            public partial class Checkpointed
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(7);
            }

            [FaultRegion(Mode = FaultMode.WriteProtect, Pages = 8)]
            public partial class Unwatched
            {
            }

            [FaultRegion(Mode = FaultMode.Minor, Memory = RegionMemory.Shared, Pages = 8, ReadAhead = 0, HandlerThreads = 1)]
            public partial class Staged
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) { }
            }

            public static partial class Outer
            {
                internal partial struct Middle
                {
                    [FaultRegion(Pages = 4)]
                    private sealed partial class @record
                    {
                        [Obsolete("kept for old files")]
                        [PageProvider]
                        private void @event(long pageIndex, Span<byte> page) => page.Fill(1);
                    }
                }
            }
        }

        [FaultRegion(Pages = 4)]
        public partial class lowercase
        {
            [PageProvider]
            private static void Fill(long pageIndex, Span<byte> page) => page.Fill(2);
        }
        """;

    public static TheoryData<LanguageVersion> Versions => new()
    {
        LanguageVersion.CSharp7_2, // below 8 as well: the callbacks interface takes "in" parameters, which need 7.2
        LanguageVersion.CSharp7_3,
        LanguageVersion.CSharp8,
        LanguageVersion.CSharp9,
        LanguageVersion.CSharp10,
        LanguageVersion.CSharp11,
        LanguageVersion.CSharp12,
        LanguageVersion.Latest,
        LanguageVersion.Preview,
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public void Every_region_compiles_with_no_warning_at_the_projects_language_version(LanguageVersion version)
    {
        var parseOptions = new CSharpParseOptions(version, DocumentationMode.Diagnose);
        CSharpCompilation compilation = GeneratorHarness.Compile(new[] { Regions }, parseOptions: parseOptions);
        if (version < LanguageVersion.CSharp8)
        {
            // <Nullable>enable</Nullable> needs C# 8 (CS8630): an older project has it off.
            compilation = compilation.WithOptions(compilation.Options.WithNullableContextOptions(NullableContextOptions.Disable));
        }

        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(parseOptions), compilation);

        Assert.Null(run.Result.Exception);
        Assert.Equal(8, run.Sources.Length);
        Diagnostic[] problems = run.Output
            .WithOptions(((CSharpCompilationOptions)run.Output.Options).WithWarningLevel(9999))
            .GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error
                        || (d.Severity == DiagnosticSeverity.Warning && GeneratorHarness.IsGenerated(d.Location.SourceTree)))
            // CS8981 on the user's own lower-case name is theirs to see; the generated file suppresses it.
            .Where(d => !(d.Id == "CS8981" && !GeneratorHarness.IsGenerated(d.Location.SourceTree)))
            .ToArray();
        Assert.True(problems.Length == 0, $"C# {version.ToDisplayString()}:\n" + string.Join("\n", problems.Select(d => d.ToString())));
    }
}
