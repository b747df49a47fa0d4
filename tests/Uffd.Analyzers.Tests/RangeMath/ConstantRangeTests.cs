using Uffd.Analyzers.RangeMath;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.RangeMath;

public sealed class ConstantRangeTests
{
    [Fact]
    public Task Constant_ranges_that_are_not_whole_pages_are_reported_on_the_argument() =>
        Verify<ConstantRangeAnalyzer>.Analyzer("""
            using Uffd;

            public static class Use
            {
                public static void Run(Userfaultfd uffd, UffdMemory memory, nint address, nint source)
                {
                    uffd.Copy(address, source, {|#0:100|});
                    uffd.ZeroPage(address, {|#1:0|});
                    uffd.Register({|#2:0x1001|}, 8192, RegisterMode.Missing);
                    memory.Discard({|#3:10|}, length: {|#4:4097L|});
                }
            }
            """,
            Verify<ConstantRangeAnalyzer>.Diagnostic("UFFD0043").WithLocation(0).WithArguments("length", "100", "Copy"),
            Verify<ConstantRangeAnalyzer>.Diagnostic("UFFD0043").WithLocation(1).WithArguments("length", "0", "ZeroPage"),
            Verify<ConstantRangeAnalyzer>.Diagnostic("UFFD0043").WithLocation(2).WithArguments("start", "4097", "Register"),
            Verify<ConstantRangeAnalyzer>.Diagnostic("UFFD0043").WithLocation(3).WithArguments("offset", "10", "Discard"),
            Verify<ConstantRangeAnalyzer>.Diagnostic("UFFD0043").WithLocation(4).WithArguments("length", "4097", "Discard"));

    [Fact]
    public Task Page_multiples_and_values_known_only_at_run_time_are_not_reported() =>
        Verify<ConstantRangeAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public static class Use
            {
                public static void Run(Userfaultfd uffd, UffdMemory memory, nint address, nint source, long length)
                {
                    uffd.Copy(address, source, 8192);
                    uffd.ZeroPage(address, 4096 * 4);
                    uffd.Wake(address, length);
                    uffd.WriteProtect(address, Environment.SystemPageSize);
                    memory.Discard(0, 2 * 1024 * 1024);
                    uffd.Copy(address, new byte[100]);
                }
            }
            """);

    [Fact]
    public Task Constants_held_in_static_readonly_fields_and_locals_written_once_are_followed() =>
        Verify<ConstantRangeAnalyzer>.Analyzer("""
            using Uffd;

            public static class Use
            {
                private static readonly long s_chunk = 6000;

                public static void Run(Userfaultfd uffd, UffdMemory memory)
                {
                    memory.Discard(0, {|#0:s_chunk|});
                    long head = 1_000_000;
                    uffd.Register(memory.Address, {|#1:head|}, RegisterMode.Missing);
                }
            }
            """,
            Verify<ConstantRangeAnalyzer>.Diagnostic("UFFD0043").WithLocation(0).WithArguments("length", "6000", "Discard"),
            Verify<ConstantRangeAnalyzer>.Diagnostic("UFFD0043").WithLocation(1).WithArguments("length", "1000000", "Register"));

    [Fact]
    public Task Locals_written_more_than_once_and_paged_runtime_lengths_are_not_followed() =>
        Verify<ConstantRangeAnalyzer>.Analyzer("""
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, System.Span<byte> page) => page.Clear();

                public void Warm() => Prefault(0, 100);
            }

            public static class Use
            {
                public static UffdMemory Map() => UffdMemory.MapAnonymous(100);

                public static void Run(Userfaultfd uffd, UffdMemory memory, bool all)
                {
                    long length = 100;
                    if (all)
                    {
                        length = memory.Length;
                    }

                    uffd.Wake(memory.Address, length);
                }
            }
            """);
}
