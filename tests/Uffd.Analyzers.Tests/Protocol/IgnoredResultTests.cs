using Uffd.Analyzers.Protocol;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Protocol;

public sealed class IgnoredResultTests
{
    [Fact]
    public Task A_copy_used_as_a_statement_is_reported_on_the_call() =>
        Verify<IgnoredResultAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, nint buffer)
                {
                    {|#0:uffd.Copy(page, buffer, 4096)|};
                }
            }
            """,
            Verify<IgnoredResultAnalyzer>.Diagnostic("UFFD0051").WithLocation(0).WithArguments("Copy"));

    [Fact]
    public Task Every_resolving_call_is_covered() =>
        Verify<IgnoredResultAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd? uffd, nint page, nint buffer)
                {
                    {|UFFD0051:uffd!.ZeroPage(page, 4096)|};
                    {|UFFD0051:uffd.Continue(page, 4096)|};
                    {|UFFD0051:uffd.Move(page, buffer, 4096)|};
                    {|UFFD0051:uffd.Poison(page, 4096)|};
                    {|UFFD0051:uffd.RemoveWriteProtection(page, 4096)|};
                    {|UFFD0051:uffd?.Copy(page, buffer, 4096)|};
                }
            }
            """);

    [Fact]
    public Task A_discard_a_local_a_condition_and_WriteProtect_are_not_reported() =>
        Verify<IgnoredResultAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static bool Serve(Userfaultfd uffd, nint page, nint buffer)
                {
                    _ = uffd.Copy(page, buffer, 4096);
                    var result = uffd.ZeroPage(page, 4096);
                    uffd.WriteProtect(page, 4096);
                    uffd.Wake(page, 4096);
                    if (uffd.Continue(page, 4096).IsDone)
                    {
                        return result.IsDone;
                    }

                    return uffd.Poison(page, 4096).IsResolvedOrPresent;
                }
            }
            """);
}
