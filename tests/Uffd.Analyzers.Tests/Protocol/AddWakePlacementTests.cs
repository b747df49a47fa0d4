using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Uffd.Analyzers.CodeFixes.Protocol;
using Uffd.Analyzers.Protocol;
using Uffd.Analyzers.Tests.Corpus;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Protocol;

/// <summary>
/// The add-Wake fix where a Wake after the statement would be wrong or would not compile: after a return, under an
/// early exit, with arguments that have side effects, in expression bodies, static lambdas and local functions, in a
/// CRLF file. Each fixed program is also built with every analyzer: it must compile and draw no UFFD diagnostic.
/// </summary>
public sealed class AddWakePlacementTests
{
    [Fact]
    public Task A_returned_call_is_stored_woken_then_returned() =>
        FixAndCheck("""
            using Uffd;

            public static class Handler
            {
                public static UffdResult Serve(Userfaultfd uffd, nint page, nint buffer, long length)
                {
                    return {|UFFD0050:uffd.Copy(page, buffer, length, CopyMode.DontWake)|};
                }
            }
            """, """
            using Uffd;

            public static class Handler
            {
                public static UffdResult Serve(Userfaultfd uffd, nint page, nint buffer, long length)
                {
                    var result = uffd.Copy(page, buffer, length, CopyMode.DontWake);
                    uffd.Wake(page, length);
                    return result;
                }
            }
            """);

    [Fact]
    public Task A_call_in_a_condition_with_an_early_return_is_woken_before_the_if() =>
        FixAndCheck("""
            using Uffd;

            public static class Handler
            {
                public static bool Serve(Userfaultfd uffd, nint page, int pageSize)
                {
                    if ({|UFFD0050:uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake)|}.Outcome == UffdOutcome.TargetGone)
                        return false;
                    System.Console.WriteLine("zeroed");
                    return true;
                }
            }
            """, """
            using Uffd;

            public static class Handler
            {
                public static bool Serve(Userfaultfd uffd, nint page, int pageSize)
                {
                    var result = uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake);
                    uffd.Wake(page, pageSize);
                    if (result.Outcome == UffdOutcome.TargetGone)
                        return false;
                    System.Console.WriteLine("zeroed");
                    return true;
                }
            }
            """);

    [Fact]
    public Task Arguments_with_side_effects_are_evaluated_once_into_locals() =>
        FixAndCheck("""
            using System;
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint[] pages, nint buffer, int pageSize, Func<int, byte[]> load)
                {
                    int i = 0;
                    var result = {|UFFD0050:uffd.Copy(pages[i++], buffer, pageSize, CopyMode.DontWake)|};
                    _ = {|UFFD0050:uffd.Copy(pages[0] + i * pageSize, load(i), CopyMode.DontWake)|};
                    Console.WriteLine(result);
                }
            }
            """, """
            using System;
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint[] pages, nint buffer, int pageSize, Func<int, byte[]> load)
                {
                    int i = 0;
                    var destination = pages[i++];
                    var result = uffd.Copy(destination, buffer, pageSize, CopyMode.DontWake);
                    uffd.Wake(destination, pageSize);
                    var destination2 = pages[0] + i * pageSize;
                    var source = load(i);
                    _ = uffd.Copy(destination2, source, CopyMode.DontWake);
                    uffd.Wake(destination2, source.Length);
                    Console.WriteLine(result);
                }
            }
            """);

    [Fact]
    public Task An_expression_bodied_lambda_becomes_a_block() =>
        FixAndCheck("""
            using System;
            using Uffd;

            public static class Handler
            {
                public static Func<UffdResult> Later(Userfaultfd uffd, nint page, int pageSize) =>
                    () => {|UFFD0050:uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake)|};
            }
            """, """
            using System;
            using Uffd;

            public static class Handler
            {
                public static Func<UffdResult> Later(Userfaultfd uffd, nint page, int pageSize) =>
                    () =>
                    {
                        var result = uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake);
                        uffd.Wake(page, pageSize);
                        return result;
                    };
            }
            """);

    [Fact]
    public Task Expression_bodied_methods_static_lambdas_and_local_functions_are_fixed() =>
        FixAndCheck("""
            using System;
            using Uffd;

            public sealed class Handler
            {
                private readonly Userfaultfd _uffd = Userfaultfd.Create();

                public bool Install(nint page, ReadOnlySpan<byte> data) => {|UFFD0050:_uffd.Copy(page, data, CopyMode.DontWake)|}.IsResolvedOrPresent;

                public static Action<Userfaultfd, nint> Zero { get; } = static (uffd, page) => {|UFFD0050:uffd.ZeroPage(page, Environment.SystemPageSize, ZeroPageMode.DontWake)|};

                public static int Run(Userfaultfd uffd, nint first, int pages, int pageSize)
                {
                    int done = 0;
                    for (int i = 0; i < pages; i++)
                    {
                        done += Quiet(uffd, first + i * pageSize, pageSize) ? 1 : 0;
                    }

                    return done;

                    static bool Quiet(Userfaultfd u, nint page, int length)
                    {
                        UffdResult r = {|UFFD0050:u.ZeroPage(page, length, ZeroPageMode.DontWake)|};
                        return r.IsDone;
                    }
                }
            }
            """, """
            using System;
            using Uffd;

            public sealed class Handler
            {
                private readonly Userfaultfd _uffd = Userfaultfd.Create();

                public bool Install(nint page, ReadOnlySpan<byte> data)
                {
                    var result = _uffd.Copy(page, data, CopyMode.DontWake);
                    _uffd.Wake(page, data.Length);
                    return result.IsResolvedOrPresent;
                }

                public static Action<Userfaultfd, nint> Zero { get; } = static (uffd, page) =>
                {
                    uffd.ZeroPage(page, Environment.SystemPageSize, ZeroPageMode.DontWake);
                    uffd.Wake(page, Environment.SystemPageSize);
                };

                public static int Run(Userfaultfd uffd, nint first, int pages, int pageSize)
                {
                    int done = 0;
                    for (int i = 0; i < pages; i++)
                    {
                        done += Quiet(uffd, first + i * pageSize, pageSize) ? 1 : 0;
                    }

                    return done;

                    static bool Quiet(Userfaultfd u, nint page, int length)
                    {
                        UffdResult r = u.ZeroPage(page, length, ZeroPageMode.DontWake);
                        u.Wake(page, length);
                        return r.IsDone;
                    }
                }
            }
            """);

    [Fact]
    public Task A_CRLF_file_keeps_its_line_endings() =>
        FixAndCheck(
            "using Uffd;\r\n\r\npublic static class Handler\r\n{\r\n    public static UffdResult Serve(Userfaultfd uffd, nint page, long length) =>\r\n        {|UFFD0050:uffd.ZeroPage(page, length, ZeroPageMode.DontWake)|};\r\n}\r\n",
            "using Uffd;\r\n\r\npublic static class Handler\r\n{\r\n    public static UffdResult Serve(Userfaultfd uffd, nint page, long length)\r\n    {\r\n        var result = uffd.ZeroPage(page, length, ZeroPageMode.DontWake);\r\n        uffd.Wake(page, length);\r\n        return result;\r\n    }\r\n}\r\n");

    [Fact]
    public Task A_call_evaluated_after_other_work_in_its_statement_gets_no_fix() =>
        Verify<DontWakeAnalyzer>.CodeFix<AddWakeCodeFixProvider>("""
            using Uffd;

            public static class Handler
            {
                public static bool Serve(Userfaultfd uffd, nint page, bool ready)
                {
                    while (ready && {|UFFD0050:uffd.ZeroPage(page, 4096, ZeroPageMode.DontWake)|}.IsDone)
                    {
                        return true;
                    }

                    return false;
                }
            }
            """, """
            using Uffd;

            public static class Handler
            {
                public static bool Serve(Userfaultfd uffd, nint page, bool ready)
                {
                    while (ready && {|UFFD0050:uffd.ZeroPage(page, 4096, ZeroPageMode.DontWake)|}.IsDone)
                    {
                        return true;
                    }

                    return false;
                }
            }
            """);

    /// <summary>
    /// The harness check (each fix and Fix All give <paramref name="fixedSource"/>, the diagnostic is gone, no compiler
    /// error), then the fixed code against every analyzer and the generator: no error, and no UFFD diagnostic the
    /// original did not have (a literal the Wake repeats would count as a new one).
    /// </summary>
    private static async Task FixAndCheck(string source, string fixedSource)
    {
        await Verify<DontWakeAnalyzer>.CodeFix<AddWakeCodeFixProvider>(source, fixedSource);
        CorpusAnalysis before = await Build(Regex.Replace(source, @"\{\|UFFD\d+:|\|\}", ""));
        CorpusAnalysis after = await Build(fixedSource);
        Assert.True(after.CompilerErrors.Count == 0, after.Describe());
        Assert.DoesNotContain(after.UffdDiagnostics, d => d.Id == "UFFD0050");
        List<string> remaining = before.UffdDiagnostics.Select(d => d.Id).ToList();
        foreach (Diagnostic diagnostic in after.UffdDiagnostics)
        {
            Assert.True(remaining.Remove(diagnostic.Id), "the fix introduced " + diagnostic + "\n" + after.Describe());
        }
    }

    private static Task<CorpusAnalysis> Build(string text) =>
        CorpusAnalysis.RunAsync(new CorpusProgram("Fixed.cs", text, IsCorrect: true, Array.Empty<string>(), KnownMiss: null, OutputKind.DynamicallyLinkedLibrary, AllowsCompilerErrors: false));
}
