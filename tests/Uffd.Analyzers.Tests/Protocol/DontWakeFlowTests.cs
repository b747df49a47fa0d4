using Uffd.Analyzers.Protocol;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Protocol;

/// <summary>UFFD0050 on the control-flow graph: every exit path after the DontWake call must wake, one call deep.</summary>
public sealed class DontWakeFlowTests
{
    [Fact]
    public Task A_wake_on_one_branch_only_is_reported() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, PageFaultEvent fault, nint buffer, int pageSize)
                {
                    nint page = fault.PageStart(pageSize);
                    _ = {|UFFD0050:uffd.Copy(page, buffer, pageSize, CopyMode.DontWake)|};
                    if (fault.IsWrite)
                    {
                        uffd.Wake(page, pageSize);
                    }
                }
            }
            """);

    [Fact]
    public Task Early_return_continue_break_and_a_catch_that_skip_the_wake_are_reported() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public static class Handler
            {
                public static void Return(Userfaultfd uffd, nint page, nint buffer, int pageSize, bool stopping)
                {
                    _ = {|UFFD0050:uffd.Copy(page, buffer, pageSize, CopyMode.DontWake)|};
                    if (stopping)
                    {
                        return;
                    }

                    uffd.Wake(page, pageSize);
                }

                public static void Continue(Userfaultfd uffd, nint[] pages, int pageSize, nint limit)
                {
                    foreach (nint page in pages)
                    {
                        _ = {|UFFD0050:uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake)|};
                        if (page >= limit)
                        {
                            continue;
                        }

                        uffd.Wake(page, pageSize);
                    }
                }

                public static void Break(Userfaultfd uffd, nint[] pages, int pageSize, int budget)
                {
                    int served = 0;
                    foreach (nint page in pages)
                    {
                        _ = {|UFFD0050:uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake)|};
                        if (++served == budget)
                        {
                            break;
                        }

                        uffd.Wake(page, pageSize);
                    }
                }

                public static void Catch(Userfaultfd uffd, nint page, int pageSize, Action<nint> log)
                {
                    try
                    {
                        _ = {|UFFD0050:uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake)|};
                        log(page);
                        uffd.Wake(page, pageSize);
                    }
                    catch (InvalidOperationException)
                    {
                    }
                }
            }
            """);

    [Fact]
    public Task Outcome_tests_done_guards_and_finally_are_not_reported() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public static class Handler
            {
                public static void Outcome(Userfaultfd uffd, nint page, int pageSize, Action<nint> retry)
                {
                    UffdResult result = uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake);
                    switch (result.Outcome)
                    {
                        case UffdOutcome.TargetGone:
                            return;
                        case UffdOutcome.RetryAfterEvents:
                            retry(page);
                            return;
                        default:
                            uffd.Wake(page, pageSize);
                            return;
                    }
                }

                public static void Guard(Userfaultfd uffd, nint[] pages, int pageSize)
                {
                    nint low = nint.MaxValue, high = nint.MinValue;
                    foreach (nint page in pages)
                    {
                        _ = uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake);
                        low = Math.Min(low, page);
                        high = Math.Max(high, page + pageSize);
                    }

                    if (high > low)
                    {
                        uffd.Wake(low, high - low);
                    }
                }

                public static void Finally(Userfaultfd uffd, nint first, int pages, int pageSize, Func<int, bool> stop)
                {
                    try
                    {
                        for (int i = 0; i < pages; i++)
                        {
                            _ = uffd.ZeroPage(first + i * pageSize, pageSize, ZeroPageMode.DontWake);
                            if (stop(i))
                            {
                                return;
                            }
                        }
                    }
                    finally
                    {
                        uffd.Wake(first, (long)pages * pageSize);
                    }
                }
            }
            """);

    [Fact]
    public Task A_guard_inside_the_loop_that_installs_again_is_reported() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint first, int pages, int pageSize)
                {
                    int pending = 0;
                    for (int i = 0; i < pages; i++)
                    {
                        _ = {|UFFD0050:uffd.ZeroPage(first + i * pageSize, pageSize, ZeroPageMode.DontWake)|};
                        if (++pending == 16)
                        {
                            uffd.Wake(first + (i - 15) * pageSize, 16L * pageSize);
                            pending = 0;
                        }
                    }
                }
            }
            """);

    [Fact]
    public Task A_helper_is_judged_by_its_callers_in_the_type() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public sealed class Server
            {
                private readonly Userfaultfd _uffd = Userfaultfd.Create();

                public void Woken(nint page, int pageSize)
                {
                    Install(page, pageSize);
                    _uffd.Wake(page, pageSize);
                }

                public void ByParameter(Userfaultfd uffd, nint page, int pageSize)
                {
                    ZeroQuietly(uffd, page, pageSize);
                    uffd.Wake(page, pageSize);
                }

                public bool NotWoken(Userfaultfd other, nint page, int pageSize) => Install2(page, pageSize);

                private void Install(nint page, int pageSize) => _ = _uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake);

                private static void ZeroQuietly(Userfaultfd uffd, nint page, int pageSize) =>
                    _ = uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake);

                private bool Install2(nint page, int pageSize) =>
                    {|UFFD0050:_uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake)|}.IsResolvedOrPresent;
            }
            """);

    [Fact]
    public Task A_call_to_a_method_of_the_type_that_wakes_counts_and_a_lambda_is_judged_after_its_creation() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using System.Threading.Tasks;
            using Uffd;

            public sealed class Batcher
            {
                private readonly Userfaultfd _uffd = Userfaultfd.Create();
                private nint _low, _high;

                public void Serve(nint[] pages, int pageSize)
                {
                    foreach (nint page in pages)
                    {
                        _ = _uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake);
                        _high = page + pageSize;
                    }

                    Flush();
                }

                public void Parallel(nint first, int pages, int pageSize)
                {
                    System.Threading.Tasks.Parallel.For(0, pages, i => _ = _uffd.ZeroPage(first + i * pageSize, pageSize, ZeroPageMode.DontWake));
                    _uffd.Wake(first, (long)pages * pageSize);
                }

                private void Flush()
                {
                    if (_high > _low)
                    {
                        _uffd.Wake(_low, _high - _low);
                    }
                }
            }

            public static class Zeroer
            {
                public static void ParallelNoWake(Userfaultfd uffd, nint first, int pages, int pageSize) =>
                    Parallel.For(0, pages, i => _ = {|UFFD0050:uffd.ZeroPage(first + i * pageSize, pageSize, ZeroPageMode.DontWake)|});
            }
            """);

    [Fact]
    public Task A_public_stage_method_whose_type_wakes_the_field_elsewhere_is_not_reported() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public sealed class Stager
            {
                private readonly Userfaultfd _uffd = Userfaultfd.Create();

                public UffdResult Stage(nint page, int pageSize) => _uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake);

                public void Flush(nint first, long length) => _uffd.Wake(first, length);
            }
            """);

    [Fact]
    public Task A_wake_only_when_done_leaves_AlreadyPresent_unwoken() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static bool DoneOnly(Userfaultfd uffd, nint page, int pageSize)
                {
                    UffdResult result = {|UFFD0050:uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake)|};
                    if (result.Outcome == UffdOutcome.Done)
                    {
                        uffd.Wake(page, pageSize);
                        return true;
                    }

                    return false;
                }

                public static bool ResolvedOrPresent(Userfaultfd uffd, nint page, int pageSize)
                {
                    UffdResult result = uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake);
                    if (result.Outcome is UffdOutcome.Done or UffdOutcome.AlreadyPresent)
                    {
                        uffd.Wake(page, pageSize);
                        return true;
                    }

                    return false;
                }
            }
            """);

    [Fact]
    public Task Tests_of_values_computed_from_the_result_are_outcome_tests() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public static class Handler
            {
                public static long Deconstructed(Userfaultfd uffd, nint page, ReadOnlySpan<byte> contents)
                {
                    var (outcome, bytesDone, _) = uffd.Copy(page, contents, CopyMode.DontWake);
                    if (outcome == UffdOutcome.TargetGone)
                    {
                        return -1;
                    }

                    uffd.Wake(page, contents.Length);
                    return bytesDone;
                }

                public static void Computed(Userfaultfd uffd, nint page, int pageSize)
                {
                    UffdResult result = uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake);
                    bool gone = result.Outcome switch
                    {
                        UffdOutcome.TargetGone or UffdOutcome.RangeGone => true,
                        _ => false,
                    };
                    if (gone)
                    {
                        return;
                    }

                    uffd.Wake(page, pageSize);
                }

                public static bool DeconstructedDoneOnly(Userfaultfd uffd, nint page, ReadOnlySpan<byte> contents)
                {
                    var (outcome, _, _) = {|UFFD0050:uffd.Copy(page, contents, CopyMode.DontWake)|};
                    if (outcome != UffdOutcome.Done)
                    {
                        return false;
                    }

                    uffd.Wake(page, contents.Length);
                    return true;
                }
            }
            """);

    [Fact]
    public Task A_callers_test_of_what_the_helper_returns_follows_the_outcome() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public sealed class Loader
            {
                private readonly Userfaultfd _uffd = Userfaultfd.Create();

                public void WakesOnSuccessOnly(nint page, int pageSize)
                {
                    if (TryInstall(page, pageSize))
                    {
                        _uffd.Wake(page, pageSize);
                    }
                }

                public void WakesWhenPresentToo(nint page, int pageSize)
                {
                    if (Installed(page, pageSize))
                    {
                        _uffd.Wake(page, pageSize);
                    }
                }

                private bool TryInstall(nint page, int pageSize)
                {
                    UffdResult result = {|UFFD0050:_uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake)|};
                    return result.IsDone;
                }

                private bool Installed(nint page, int pageSize) =>
                    _uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake).IsResolvedOrPresent;
            }
            """);

    [Fact]
    public Task A_loop_that_never_ends_without_a_wake_is_reported() =>
        Verify<DontWakeAnalyzer>.Analyzer("""
            using Uffd;

            public static class Handler
            {
                public static void Forever(Userfaultfd uffd, nint[] pages, int pageSize)
                {
                    int i = 0;
                    while (true)
                    {
                        _ = {|UFFD0050:uffd.ZeroPage(pages[i++ % pages.Length], pageSize, ZeroPageMode.DontWake)|};
                    }
                }

                public static void ForeverWoken(Userfaultfd uffd, nint[] pages, int pageSize)
                {
                    for (int i = 0; ; i++)
                    {
                        nint page = pages[i % pages.Length];
                        _ = uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake);
                        uffd.Wake(page, pageSize);
                    }
                }
            }
            """);

    [Fact]
    public Task Top_level_statements_are_judged_like_a_method() =>
        Verify<DontWakeAnalyzer>.Program("""
            using System;
            using Uffd;

            using UffdMemory memory = UffdMemory.MapAnonymous(Environment.SystemPageSize);
            using Userfaultfd uffd = Userfaultfd.Create();
            byte[] page = new byte[memory.PageSize];
            UffdResult result = {|UFFD0050:uffd.Copy(memory.Address, page, CopyMode.DontWake)|};
            if (result.Outcome == UffdOutcome.AlreadyPresent)
            {
                uffd.Wake(memory.Address, memory.PageSize);
            }
            """);
}
