using Uffd.Analyzers.Deadlocks;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Deadlocks;

public sealed class SpanLeaseTests
{
    private const string Journal = """
        [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
        public partial class Journal
        {
            [PageProvider]
            private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

            [WriteHandler]
            private void OnWrite(long pageIndex) { }

            public SpanLease Row(int row) => LeaseSpan(row * 8L, 8);
        }
        """;

    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Leak(int location, string source) =>
        Verify<SpanLeaseAnalyzer>.Diagnostic("UFFD0033").WithLocation(location).WithArguments(source);

    [Fact]
    public Task A_lease_used_in_place_dropped_or_kept_in_a_local_nobody_disposes_is_reported_on_the_call() =>
        Verify<SpanLeaseAnalyzer>.Analyzer($$"""
            using System;
            using Uffd;

            public static class Use
            {
                public static void Run(Journal journal)
                {
                    {|#0:journal.LeaseSpan(0, 8)|}.Span[0] = 1;
                    var lease = {|#1:journal.LeaseSpan()|};
                    lease.Span[1] = 2;
                    _ = {|#2:journal.LeaseSpan(8, 8)|};
                    {|#3:journal.LeaseSpan(16, 8)|};
                    Consume({|#4:journal.LeaseSpan(0, 1)|});
                    {|#5:journal.Row(2)|}.Span[0] = 3;
                    var first = {|#6:journal.LeaseSpan(0, 4)|};
                    var second = journal.LeaseSpan(4, 4);
                    second.Dispose();
                    first.Span[0] = second.Length > 0 ? (byte)1 : (byte)0;
                }

                private static void Consume(SpanLease lease) => lease.Span.Clear();
            }

            {{Journal}}
            """,
            Leak(0, "Journal.LeaseSpan"),
            Leak(1, "Journal.LeaseSpan"),
            Leak(2, "Journal.LeaseSpan"),
            Leak(3, "Journal.LeaseSpan"),
            Leak(4, "Journal.LeaseSpan"),
            Leak(5, "Journal.Row"),
            Leak(6, "Journal.LeaseSpan"));

    [Fact]
    public Task A_lease_from_the_engine_is_reported_with_the_engine_name() =>
        Verify<SpanLeaseAnalyzer>.Analyzer("""
            using Uffd;
            using Uffd.Regions;

            public static class Use
            {
                public static void Run<T>(FaultRegionEngine<T> engine) where T : struct, IFaultRegionCallbacks =>
                    {|#0:engine.LeaseSpan(0, 8)|}.Span[0] = 1;
            }
            """,
            Leak(0, "FaultRegionEngine<TCallbacks>.LeaseSpan"));

    [Fact]
    public Task Using_declarations_statements_explicit_disposal_and_returned_leases_are_not_reported() =>
        Verify<SpanLeaseAnalyzer>.Analyzer($$"""
            using System;
            using Uffd;

            public static class Use
            {
                public static void Run(Journal journal)
                {
                    using var declared = journal.LeaseSpan(0, 8);
                    declared.Span[0] = 1;
                    using (var statement = journal.LeaseSpan())
                    {
                        statement.Span[1] = 2;
                    }

                    using (journal.LeaseSpan(0, 4))
                    {
                    }

                    var explicitly = journal.LeaseSpan(8, 8);
                    try
                    {
                        explicitly.Span[0] = 3;
                    }
                    finally
                    {
                        explicitly.Dispose();
                    }

                    SpanLease later;
                    later = journal.Row(1);
                    later.Dispose();
                    var kept = journal.LeaseSpan(16, 8);
                    using (kept)
                    {
                        kept.Span[0] = 4;
                    }
                }

                public static SpanLease Handed(Journal journal)
                {
                    var lease = journal.LeaseSpan(0, 1);
                    return lease;
                }

                public static SpanLease Direct(Journal journal) => journal.LeaseSpan(0, 2);

                public static int Other(Pool pool) => pool.LeaseSpan().Length;
            }

            public sealed class Pool
            {
                public SpanLease LeaseSpan() => default;
            }

            {{Journal}}
            """);

    [Fact]
    public Task A_lease_disposed_on_one_branch_only_is_reported_but_one_disposed_on_every_path_is_not() =>
        Verify<SpanLeaseAnalyzer>.Analyzer($$"""
            using System;
            using Uffd;

            public static class Use
            {
                public static bool Stamp(Journal journal, bool commit)
                {
                    SpanLease lease = {|UFFD0033:journal.LeaseSpan(0, 8)|};
                    lease.Span[0] = 1;
                    if (commit)
                    {
                        lease.Span[1] = 2;
                        lease.Dispose();
                        return true;
                    }

                    return false;
                }

                public static bool Both(Journal journal, bool commit)
                {
                    SpanLease lease = journal.LeaseSpan(0, 8);
                    if (commit)
                    {
                        lease.Span[1] = 2;
                        lease.Dispose();
                        return true;
                    }

                    lease.Dispose();
                    return false;
                }

                public static void Loop(Journal journal, int rows)
                {
                    for (int row = 0; row < rows; row++)
                    {
                        SpanLease lease = journal.LeaseSpan(row * 8, 8);
                        try
                        {
                            if (lease.Span[0] != 0)
                            {
                                continue;
                            }

                            lease.Span[0] = 1;
                        }
                        finally
                        {
                            lease.Dispose();
                        }
                    }
                }
            }

            {{Journal}}
            """);
}
