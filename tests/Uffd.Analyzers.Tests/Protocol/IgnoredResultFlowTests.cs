using Uffd.Analyzers.Protocol;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Protocol;

/// <summary>UFFD0051 on semantics: a discarded or never-read result is ignored unless a Wake follows on every path.</summary>
public sealed class IgnoredResultFlowTests
{
    [Fact]
    public Task A_discard_and_a_local_never_read_are_reported_and_a_local_read_is_not() =>
        Verify<IgnoredResultAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, nint buffer, int pageSize)
                {
                    _ = {|#0:uffd.ZeroPage(page, pageSize)|};
                    var kept = {|#1:uffd.Copy(page, buffer, pageSize)|};
                    var read = uffd.Copy(page + pageSize, buffer, pageSize);
                    System.Console.WriteLine(read.Outcome);
                }
            }
            """,
            Verify<IgnoredResultAnalyzer>.Diagnostic("UFFD0051").WithLocation(0).WithArguments("ZeroPage"),
            Verify<IgnoredResultAnalyzer>.Diagnostic("UFFD0051").WithLocation(1).WithArguments("Copy"));

    [Fact]
    public Task A_wake_on_every_later_path_answers_every_outcome() =>
        Verify<IgnoredResultAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, nint buffer, int pageSize, bool log)
                {
                    uffd.Copy(page, buffer, pageSize);
                    if (log)
                    {
                        System.Console.WriteLine("copied");
                    }

                    uffd.Wake(page, pageSize);
                }
            }
            """);

    [Fact]
    public Task A_wake_on_one_branch_only_does_not_answer() =>
        Verify<IgnoredResultAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, int pageSize, bool write)
                {
                    _ = {|UFFD0051:uffd.RemoveWriteProtection(page, pageSize)|};
                    if (write)
                    {
                        uffd.Wake(page, pageSize);
                    }
                }
            }
            """);

    [Fact]
    public Task DontWake_calls_are_left_to_UFFD0050() =>
        Verify<IgnoredResultAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, int pageSize)
                {
                    uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake);
                    _ = uffd.RemoveWriteProtection(page, pageSize, wake: false);
                }
            }
            """);
}
