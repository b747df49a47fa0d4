using Uffd.Analyzers.CodeFixes.Deadlocks;
using Uffd.Analyzers.Deadlocks;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Deadlocks;

public sealed class UsingLeaseCodeFixTests
{
    private const string Journal = """
        [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
        public partial class Journal
        {
            [PageProvider]
            private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

            [WriteHandler]
            private void OnWrite(long pageIndex) { }
        }
        """;

    [Fact]
    public Task A_lease_kept_in_a_local_becomes_a_using_declaration() =>
        Verify<SpanLeaseAnalyzer>.CodeFix<UsingLeaseCodeFix>($$"""
            using System;
            using Uffd;

            public static class Use
            {
                public static void Stamp(Journal journal)
                {
                    // the first row
                    var lease = {|UFFD0033:journal.LeaseSpan(0, 8)|};
                    lease.Span.Fill(1);
                }
            }

            {{Journal}}
            """, $$"""
            using System;
            using Uffd;

            public static class Use
            {
                public static void Stamp(Journal journal)
                {
                    // the first row
                    using var lease = journal.LeaseSpan(0, 8);
                    lease.Span.Fill(1);
                }
            }

            {{Journal}}
            """);

    [Fact]
    public Task Fix_all_adds_using_to_every_declaration_it_can_and_leaves_the_rest() =>
        Verify<SpanLeaseAnalyzer>.CodeFix<UsingLeaseCodeFix>($$"""
            using System;
            using Uffd;

            public static class Use
            {
                public static void Stamp(Journal journal, int kind)
                {
                    SpanLease typed = {|UFFD0033:journal.LeaseSpan(0, 8)|};
                    var whole = ({|UFFD0033:journal.LeaseSpan()|});
                    {|UFFD0033:journal.LeaseSpan(8, 8)|}.Span[0] = typed.Span[0];
                    var again = {|UFFD0033:journal.LeaseSpan(16, 8)|};
                    again = {|UFFD0033:journal.LeaseSpan(24, 8)|};
                    switch (kind)
                    {
                        case 1:
                            var inCase = {|UFFD0033:journal.LeaseSpan(32, 8)|};
                            inCase.Span[0] = whole.Span[0];
                            break;
                    }

                    if (kind == 2)
                    {
                        var nested = {|UFFD0033:journal.LeaseSpan(40, 8)|};
                        nested.Span[0] = again.Span[0];
                    }
                }
            }

            {{Journal}}
            """, $$"""
            using System;
            using Uffd;

            public static class Use
            {
                public static void Stamp(Journal journal, int kind)
                {
                    using SpanLease typed = journal.LeaseSpan(0, 8);
                    using var whole = (journal.LeaseSpan());
                    {|UFFD0033:journal.LeaseSpan(8, 8)|}.Span[0] = typed.Span[0];
                    var again = {|UFFD0033:journal.LeaseSpan(16, 8)|};
                    again = {|UFFD0033:journal.LeaseSpan(24, 8)|};
                    switch (kind)
                    {
                        case 1:
                            var inCase = {|UFFD0033:journal.LeaseSpan(32, 8)|};
                            inCase.Span[0] = whole.Span[0];
                            break;
                    }

                    if (kind == 2)
                    {
                        using var nested = journal.LeaseSpan(40, 8);
                        nested.Span[0] = again.Span[0];
                    }
                }
            }

            {{Journal}}
            """);

    [Fact]
    public Task Leases_in_local_functions_and_static_lambdas_become_using_declarations_and_expression_bodies_are_left_alone() =>
        Verify<SpanLeaseAnalyzer>.CodeFix<UsingLeaseCodeFix>($$"""
            using System;
            using Uffd;

            public static class Use
            {
                public static Action<Journal> Stamp { get; } = static journal =>
                {
                    var lease = {|UFFD0033:journal.LeaseSpan(0, 8)|};
                    lease.Span.Fill(1);
                };

                public static void Rows(Journal journal)
                {
                    Row(0);
                    Row(1);

                    void Row(int row)
                    {
                        var lease = {|UFFD0033:journal.LeaseSpan(row * 8, 8)|};
                        lease.Span[0] = (byte)row;
                    }
                }

                public static void Flag(Journal journal) => {|UFFD0033:journal.LeaseSpan(0, 1)|}.Span[0] = 1;
            }

            {{Journal}}
            """, $$"""
            using System;
            using Uffd;

            public static class Use
            {
                public static Action<Journal> Stamp { get; } = static journal =>
                {
                    using var lease = journal.LeaseSpan(0, 8);
                    lease.Span.Fill(1);
                };

                public static void Rows(Journal journal)
                {
                    Row(0);
                    Row(1);

                    void Row(int row)
                    {
                        using var lease = journal.LeaseSpan(row * 8, 8);
                        lease.Span[0] = (byte)row;
                    }
                }

                public static void Flag(Journal journal) => {|UFFD0033:journal.LeaseSpan(0, 1)|}.Span[0] = 1;
            }

            {{Journal}}
            """);

    [Fact]
    public Task A_lease_disposed_on_one_branch_gets_no_fix_since_a_using_would_end_it_twice() =>
        Verify<SpanLeaseAnalyzer>.CodeFix<UsingLeaseCodeFix>($$"""
            using System;
            using Uffd;

            public static class Use
            {
                public static bool Stamp(Journal journal, bool commit)
                {
                    var lease = {|UFFD0033:journal.LeaseSpan(0, 8)|};
                    if (!commit)
                    {
                        return false;
                    }

                    lease.Span[0] = 1;
                    lease.Dispose();
                    return true;
                }
            }

            {{Journal}}
            """, $$"""
            using System;
            using Uffd;

            public static class Use
            {
                public static bool Stamp(Journal journal, bool commit)
                {
                    var lease = {|UFFD0033:journal.LeaseSpan(0, 8)|};
                    if (!commit)
                    {
                        return false;
                    }

                    lease.Span[0] = 1;
                    lease.Dispose();
                    return true;
                }
            }

            {{Journal}}
            """);

    [Fact]
    public Task A_crlf_file_keeps_its_line_endings() =>
        Verify<SpanLeaseAnalyzer>.CodeFix<UsingLeaseCodeFix>(Crlf($$"""
            using System;
            using Uffd;

            public static class Use
            {
                public static void Stamp(Journal journal)
                {
                    var lease = {|UFFD0033:journal.LeaseSpan(0, 8)|};
                    lease.Span.Fill(1);
                }
            }

            {{Journal}}
            """), Crlf($$"""
            using System;
            using Uffd;

            public static class Use
            {
                public static void Stamp(Journal journal)
                {
                    using var lease = journal.LeaseSpan(0, 8);
                    lease.Span.Fill(1);
                }
            }

            {{Journal}}
            """));

    private static string Crlf(string source) => source.ReplaceLineEndings("\r\n");
}
