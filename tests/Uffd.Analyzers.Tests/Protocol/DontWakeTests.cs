using Uffd.Analyzers.Protocol;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Protocol;

public sealed class DontWakeTests
{
    [Fact]
    public Task A_DontWake_copy_with_no_wake_is_reported_on_the_call() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, nint buffer)
                {
                    var result = {|#0:uffd.Copy(page, buffer, 4096, CopyMode.DontWake)|};
                }
            }
            """,
            Verify<DontWakeAnalyzer>.Diagnostic("UFFD0050").WithLocation(0).WithArguments("Copy", "Serve"));

    [Fact]
    public Task Combined_flags_and_every_resolution_mode_are_reported() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public sealed class Handler
            {
                private readonly Userfaultfd uffd = Userfaultfd.Create();

                public void Serve(nint page, nint buffer)
                {
                    _ = {|UFFD0050:uffd.Copy(page, buffer, 4096, CopyMode.DontWake | CopyMode.WriteProtect)|};
                    _ = {|UFFD0050:uffd.ZeroPage(page, 4096, ZeroPageMode.DontWake)|};
                    _ = {|UFFD0050:uffd.Continue(page, 4096, mode: ContinueMode.DontWake)|};
                    _ = {|UFFD0050:uffd.Poison(page, 4096, PoisonMode.DontWake)|};
                    _ = {|UFFD0050:uffd.Move(page, buffer, 4096, MoveMode.DontWake)|};
                    _ = {|UFFD0050:uffd.RemoveWriteProtection(page, 4096, wake: false)|};
                }
            }
            """);

    [Fact]
    public Task A_wake_only_before_the_call_does_not_count() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, nint buffer)
                {
                    uffd.Wake(page, 4096);
                    _ = {|UFFD0050:uffd.Copy(page, buffer, 4096, CopyMode.DontWake)|};
                }
            }
            """);

    [Fact]
    public Task A_wake_on_another_userfaultfd_does_not_count() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, Userfaultfd other, nint page, nint buffer)
                {
                    _ = {|UFFD0050:uffd.Copy(page, buffer, 4096, CopyMode.DontWake)|};
                    other.Wake(page, 4096);
                }
            }
            """);

    [Fact]
    public Task A_later_wake_on_the_same_userfaultfd_is_not_reported() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, nint buffer)
                {
                    UffdResult result = uffd.Copy(page, buffer, 4096, CopyMode.DontWake);
                    if (result.IsResolvedOrPresent)
                    {
                        uffd.Wake(page, 4096);
                    }
                }
            }
            """);

    [Fact]
    public Task A_wake_in_a_finally_block_is_not_reported() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, nint buffer)
                {
                    try
                    {
                        _ = uffd.ZeroPage(page, 4096, ZeroPageMode.DontWake);
                        _ = uffd.RemoveWriteProtection(page, 4096, wake: false);
                    }
                    finally
                    {
                        uffd.Wake(page, 8192);
                    }
                }
            }
            """);

    [Fact]
    public Task Waking_modes_are_not_reported() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, nint buffer, CopyMode chosen)
                {
                    _ = uffd.Copy(page, buffer, 4096);
                    _ = uffd.Copy(page, buffer, 4096, CopyMode.WriteProtect);
                    _ = uffd.Copy(page, buffer, 4096, chosen);
                    _ = uffd.Move(page, buffer, 4096, MoveMode.AllowSourceHoles);
                    _ = uffd.RemoveWriteProtection(page, 4096);
                    _ = uffd.RemoveWriteProtection(page, 4096, wake: true);
                }
            }
            """);
}
